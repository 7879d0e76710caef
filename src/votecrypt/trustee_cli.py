"""``unionhall-trustee``: a trustee's tools, run on the trustee's own computer.

    unionhall-trustee share TALLIES.json KEYFILE.json > SHARES.json

reads the tallies downloaded from the ballot's trustee page and the trustee's
passphrase-protected key file, and writes decryption shares (with proofs) for
the overall result and, once the officers have opened them, the areas. The
key never leaves this computer; the passphrase is read from the terminal
(or UNIONHALL_TRUSTEE_PASSPHRASE, for scripted tests).
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

from . import api
from .keyfile import KeyFileError, open_sealed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="unionhall-trustee", description="A ballot trustee's tools.")
    sub = ap.add_subparsers(dest="command", required=True)
    share = sub.add_parser("share", help="make decryption shares for a closed ballot's tallies")
    share.add_argument("tallies")
    share.add_argument("keyfile")
    a = ap.parse_args(argv)
    try:
        with open(a.tallies, encoding="utf-8") as f:
            data = json.load(f)
        with open(a.keyfile, encoding="utf-8") as f:
            sealed = json.load(f)
    except (OSError, ValueError) as exc:
        print(f"unionhall-trustee: cannot read: {exc}", file=sys.stderr)
        return 2
    passphrase = os.environ.get("UNIONHALL_TRUSTEE_PASSPHRASE") or getpass.getpass("Key file passphrase: ")
    try:
        key = open_sealed(sealed, passphrase)
    except KeyFileError as exc:
        print(f"unionhall-trustee: {exc}", file=sys.stderr)
        return 1
    # The server lists only the tallies that may be decrypted now (the overall
    # result; areas once the officers open them and if large enough).
    shares = {t["area"]: api.decryption_share(data["manifest"], data["joint_key"], key, t) for t in data["tallies"]}
    print(json.dumps(shares))
    return 0


if __name__ == "__main__":
    sys.exit(main())
