"""unionhall-backpay FILE.json [--json] (issue 13): being written."""
import sys


def main(argv=None) -> int:
    print("unionhall-backpay: not built yet (issue 13)", file=sys.stderr)
    return 2
