"""``unionhall-credentials``: the credential authority's tool (spec §10,
docs/ballot-credentials.md).

Runs on the authority's own computer; nothing it writes goes to the server
except the public files named below.

* ``keygen --key authority-key.json`` — makes the authority's signing key
  (sealed with a passphrase, as trustees' key files are) and prints its public
  key, which the ballot's page asks for.
* ``generate ROLL.json --key … --public public-credentials.json --private codes.csv``
  — ``ROLL.json`` is the frozen roll downloaded from the ballot's authority page.
  The tool recomputes its commitment, makes one code per alias, and writes
  the sorted, signed list of public credentials (upload it) and the private
  mail-merge file ``alias,code`` (keep it; never upload it).
* ``issue ROLL.json --key … --private codes.csv --alias A --out issue.json`` —
  a code for a member added to the roll after it froze (the authority page
  lists them); upload ``issue.json`` as a revocation is.
* ``replace ROLL.json --key … --private codes.csv --alias A --reason "…" --out revocation.json``
  — a member lost their code: a new code replaces it in ``codes.csv`` (printed
  for the letter) and ``revocation.json``, signed, revokes the old public
  credential (upload it).

The passphrase is read from the terminal, or from ``UNIONHALL_CREDENTIALS_PASSPHRASE``.
"""
from __future__ import annotations

import argparse
import csv
import getpass
import json
import os
import sys
from typing import Any

from . import credentials as cr
from . import keyfile
from .group import GroupError, decode_scalar, encode_scalar, mul_base
from .manifest import Manifest, ManifestError
from .record import roll_commitment
from .rng import SystemRng

PUBLIC_VERSION = "unionhall-credentials/1"
REVOCATION_VERSION = "unionhall-revocation/1"


class ToolError(Exception):
    pass


def _passphrase() -> str:
    return os.environ.get("UNIONHALL_CREDENTIALS_PASSPHRASE") or getpass.getpass("Authority key passphrase: ")


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise ToolError(f"cannot read {path}: {e}") from None


def _private_open(path: str):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def read_roll(d: Any) -> tuple[bytes, bytes, list[tuple[str, str]]]:
    """(F, commitment, voters) of a downloaded roll, after checking the
    server's commitment against the voters it lists."""
    try:
        F = Manifest.from_json(d["manifest"]).fingerprint
        voters = [(a, r) for a, r in d["voters"]]
        if not all(isinstance(a, str) and isinstance(r, str) for a, r in voters):
            raise TypeError("aliases and areas must be text")
        if len({a for a, _ in voters}) != len(voters):
            raise ToolError("the roll lists an alias twice")
        commitment = roll_commitment(voters)
        if d["roll_commitment"] != commitment.hex() or d["roll_size"] != len(voters):
            raise ToolError("the roll's commitment does not match its voters: do not use this file")
    except (KeyError, TypeError, ValueError, ManifestError) as e:
        if isinstance(e, ToolError):
            raise
        raise ToolError(f"not a frozen roll file: {e}") from None
    return F, commitment, voters


def make_authority_key() -> tuple[dict[str, Any], str]:
    a = SystemRng().scalar()
    return {"kind": "credential-authority", "key": encode_scalar(a)}, mul_base(a).hex()


def load_authority_key(path: str) -> int:
    sealed = _read_json(path)
    try:
        secret = keyfile.open_sealed(sealed, _passphrase())
        return decode_scalar(secret["key"])
    except (ValueError, KeyError, TypeError, GroupError) as e:
        raise ToolError(f"cannot open the authority key: {e}") from None


def generate(roll: Any, authority: int, private_rows):
    """Yields nothing; writes ``alias,code`` rows through ``private_rows`` and
    returns the public file (sorted, signed list of public credentials)."""
    F, commitment, voters = read_roll(roll)
    publics = []
    for alias, _ in voters:
        code = cr.new_code()
        publics.append(mul_base(cr.derive_secret(F, code)))
        private_rows.writerow([alias, code])
    publics.sort()
    return {"version": PUBLIC_VERSION, "fingerprint": F.hex(), "roll_commitment": commitment.hex(),
            "roll_size": len(voters), "authority": mul_base(authority).hex(),
            "list": [p.hex() for p in publics],
            "signature": cr.sign_list(F, commitment, len(voters), publics, authority)}


def revocation(F: bytes, old: bytes | None, new: bytes | None, reason: str, authority: int) -> dict[str, Any]:
    """A signed revocation of ``old`` with its replacement ``new``; with no
    ``old``, a credential issued for a member added after the freeze."""
    if not reason.strip():
        raise ToolError("give a reason for the revocation")
    return {"version": REVOCATION_VERSION, "fingerprint": F.hex(), "credential": old.hex() if old else None,
            "replacement": new.hex() if new else None, "reason": reason,
            "signature": cr.sign_revocation(F, old, new, reason, authority)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="unionhall-credentials", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("keygen", help="make the authority's signing key")
    k.add_argument("--key", required=True)
    g = sub.add_parser("generate", help="one code per member of the frozen roll")
    g.add_argument("roll")
    g.add_argument("--key", required=True)
    g.add_argument("--public", required=True, help="public credential list to upload")
    g.add_argument("--private", required=True, help="alias,code mail-merge file: keep it, never upload it")
    i = sub.add_parser("issue", help="a code for a member added to the roll after it froze")
    i.add_argument("roll")
    i.add_argument("--key", required=True)
    i.add_argument("--private", required=True)
    i.add_argument("--alias", required=True)
    i.add_argument("--reason", default="added to the roll after it froze")
    i.add_argument("--out", required=True, help="signed issue to upload, as a revocation is")
    r = sub.add_parser("replace", help="a new code for a member who lost theirs; revoke the old one")
    r.add_argument("roll")
    r.add_argument("--key", required=True)
    r.add_argument("--private", required=True)
    r.add_argument("--alias", required=True)
    r.add_argument("--reason", required=True)
    r.add_argument("--out", required=True, help="signed revocation to upload")
    a = ap.parse_args(argv)
    try:
        if a.cmd == "keygen":
            secret, public = make_authority_key()
            sealed = keyfile.seal(secret, _passphrase())
            with _private_open(a.key) as f:
                json.dump(sealed, f)
            print(f"authority public key: {public}")
            return 0
        authority = load_authority_key(a.key)
        roll = _read_json(a.roll)
        if a.cmd == "generate":
            read_roll(roll)  # refuse a bad roll before writing anything
            with _private_open(a.private) as f:
                w = csv.writer(f)
                w.writerow(["alias", "code"])
                out = generate(roll, authority, w)
            with open(a.public, "w", encoding="utf-8") as f:
                json.dump(out, f, indent=0)
            print(f"{len(out['list'])} credentials; upload {a.public}; keep {a.private} for the letters")
            return 0
        F, _, voters = read_roll(roll)
        with open(a.private, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        if a.cmd == "issue":
            if any(row and row[0] == a.alias for row in rows[1:]) or any(v[0] == a.alias for v in voters):
                raise ToolError(f"{a.alias} already has a code")
            code = cr.new_code()
            out = revocation(F, None, cr.public_credential(F, code), a.reason, authority)
            with _private_open(a.private) as f:
                csv.writer(f).writerows(rows + [[a.alias, code]])
            with open(a.out, "w", encoding="utf-8") as f:
                json.dump(out, f)
            print(f"code for {a.alias}: {code}\nupload {a.out}")
            return 0
        idx = [i for i, row in enumerate(rows[1:], 1) if row and row[0] == a.alias]
        if len(idx) != 1:
            raise ToolError(f"{a.alias} is not in {a.private}")
        old = cr.public_credential(F, rows[idx[0]][1])
        code = cr.new_code()
        out = revocation(F, old, cr.public_credential(F, code), a.reason, authority)
        rows[idx[0]] = [a.alias, code]
        with _private_open(a.private) as f:
            csv.writer(f).writerows(rows)
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(out, f)
        print(f"new code for {a.alias}: {code}\nupload {a.out}; the old code no longer works once it is uploaded")
        return 0
    except (ToolError, cr.CredentialError) as e:
        print(f"unionhall-credentials: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
