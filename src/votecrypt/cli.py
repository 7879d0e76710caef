"""``unionhall-verify RECORD.json``: check a whole election record offline.

Exit status 0 when every check passes, 1 when a check fails (the first failed
check is named; a file that is not strict JSON fails ``record.json``), 2 when
the file cannot be read.  The human summary always
ends with the line ``N ballots``.
"""
from __future__ import annotations

import argparse
import json
import sys

from .verify import default_workers, verify_record_text
from .verify_credentials import check_roll_commitment


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="unionhall-verify", description=__doc__.splitlines()[0])
    ap.add_argument("record", help="election record JSON file")
    ap.add_argument("--json", action="store_true", help="print a JSON report instead")
    ap.add_argument("--workers", type=int, default=default_workers(), help="processes for ballot checks")
    ap.add_argument("--roll-commitment", metavar="HEX", help="the roll commitment from your invitation email (spec §10.5)")
    a = ap.parse_args(argv)
    try:
        with open(a.record, "rb") as f:
            text = f.read()
    except OSError as e:
        print(f"cannot read record: {e}", file=sys.stderr)
        print("0 ballots")
        return 2
    r = verify_record_text(text, workers=max(1, a.workers))  # strict: no repeated key, no float
    if a.roll_commitment and r.ok and (why := check_roll_commitment(json.loads(text), a.roll_commitment)):
        r.ok, r.failed, r.detail = False, "roll.commitment", why  # §10.5: the commitment from the invitation
    if a.json:
        print(json.dumps({"ok": r.ok, "failed": r.failed, "detail": r.detail, "checks": r.checks,
                          "results": r.results, "not_checked": r.not_checked, "ballots": r.ballots}))
    else:
        print("\n".join(r.lines()))
    if r.failed == "record.json" and r.detail.startswith("not-json"):
        return 2  # not JSON at all: unreadable
    return 0 if r.ok else 1


if __name__ == "__main__":
    sys.exit(main())
