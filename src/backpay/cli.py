"""Command line: ``unionhall-backpay FILE.json [--json]``.

Reads an old and a new pay scale and one member's history (the format is in
docs/backpay.md) and prints what is owed month by month, each step shown, with
the total. ``--json`` prints one JSON object instead. Bad input: every problem
on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import BackpayError
from .inputs import case_from_json
from .report import report_lines

PROG = "unionhall-backpay"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description="Back pay owed when a new pay scale replaces an old one, with every step shown.")
    parser.add_argument("file", metavar="FILE.json", help="the scales, the member's history and the window (see docs/backpay.md); - for stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except OSError as error:
        print(f"{PROG}: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        result = case_from_json(text).calculate()
    except BackpayError as error:
        for problem in error.problems:
            print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
