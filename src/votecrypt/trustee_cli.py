"""``unionhall-trustee``: a trustee's tools, run on the trustee's own computer.

Key generation, with no dealer, in four rounds (each step's output is
uploaded on the ballot's trustee page, and the next step starts from a fresh
download):

    unionhall-trustee keygen-start CEREMONY.json STATE.json > DIGEST.json
    unionhall-trustee keygen-reveal CEREMONY.json STATE.json > PUBLIC.json
    unionhall-trustee keygen-shares CEREMONY.json STATE.json > SHARES.json
    unionhall-trustee keygen-finish CEREMONY.json STATE.json KEYFILE.json > CONFIRM.json

Round 1 posts only digests: of the trustee's commitments, and of a secret
random value for the tie-lot seed. Round 2 shows the commitments, and the tool
makes it only once every trustee's digest is on the server, so no trustee can
choose their commitments after seeing another's (docs/election-record.md §6.2.1).

Decryption, after the ballot closes:

    unionhall-trustee share TALLIES.json KEYFILE.json > SHARES.json

reads the tallies downloaded from the ballot's trustee page and the trustee's
passphrase-protected key file, and writes decryption shares (with proofs) for
the overall result and, once the officers have opened them, the areas, with
the trustee's tie-lot value (``seed_reveal``), committed to in round 1. The
key never leaves this computer; the passphrase is read from the terminal
(or UNIONHALL_TRUSTEE_PASSPHRASE, for scripted tests).
"""
from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import sys

from . import api, keyfile
from . import ceremony_record as cr
from .ceremony_record import SEED_REVEAL
from .keyfile import KeyFileError, open_sealed


def _passphrase() -> str:
    return os.environ.get("UNIONHALL_TRUSTEE_PASSPHRASE") or getpass.getpass("Key file passphrase: ")


def _read(path: str):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def keygen_start(ceremony: dict, state_path: str) -> dict:
    """Round 1: a secret polynomial, a box key and a tie-lot value, sealed into
    STATE; returns only the digests of the commitments and of the value."""
    secret, public = api.dkg_commit(ceremony["manifest"], ceremony["index"])
    box_public, box_secret = keyfile.box_keypair()
    seed = cr.new_seed_value()
    state = {"manifest_fingerprint": api.fingerprint(ceremony["manifest"]), "secret": secret, "public": public,
             "box_public": box_public, "box_secret": box_secret, "seed": seed}  # fmt: skip
    with open(state_path, "x", encoding="utf-8") as f:  # never overwrite an earlier state
        json.dump(keyfile.seal(state, _passphrase()), f)
    return _digests(ceremony["manifest"], state)


def _digests(manifest: dict, state: dict) -> dict:
    return {"commitment_digest": cr.commitment_digest(manifest, state["public"]),
            "seed_commitment": cr.seed_commitment(manifest, state["secret"]["index"], state["seed"])}


def keygen_reveal(ceremony: dict, state_path: str) -> dict:
    """Round 2: show my commitments and box key, only once every trustee has
    posted their digests (and the server's copy of mine is what I made)."""
    state = _state(ceremony, state_path)
    me = state["secret"]["index"]
    digests = {d.get("index"): d for d in ceremony.get("digests") or [] if isinstance(d, dict)}
    if sorted(digests) != list(range(1, ceremony["manifest"]["trustees"] + 1)):
        raise KeyFileError("not every trustee has posted round 1: wait for them before showing your commitments")
    mine = {k: digests[me].get(k) for k in ("commitment_digest", "seed_commitment")}
    if mine != _digests(ceremony["manifest"], state):
        raise KeyFileError("the server's copy of your round-1 digests differs from what you made: stop and tell the other trustees")
    return {"public": state["public"], "box_public": state["box_public"]}


def _state(ceremony: dict, state_path: str) -> dict:
    state = keyfile.open_sealed(_read(state_path), _passphrase())
    if state["manifest_fingerprint"] != api.fingerprint(ceremony["manifest"]):
        raise KeyFileError("this state belongs to another ballot")
    return state


def ceremony_fingerprint(ceremony: dict) -> str:
    """A short digest of everything the trustees must agree on before sealing
    shares to each other: the ballot, and every trustee's commitments and box
    key, and the round-1 digests. Trustees read theirs out to each other by
    phone or in person: a server that swapped anyone's box key (to read the
    shares), or showed some trustees a digest nobody posted (to have them
    reveal early), shows them different ones."""
    body = {"manifest": api.fingerprint(ceremony["manifest"]),
            "trustees": sorted([[t["index"], t["public"], t["box_public"], t["commitment_digest"], t["seed_commitment"]]
                                for t in ceremony["trustees"]])}  # fmt: skip
    digest = hashlib.sha256(b"unionhall/ceremony/2\n" + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return "-".join(digest[i : i + 4] for i in range(0, 24, 4)).upper()


def _check_ceremony(ceremony: dict, state: dict) -> str:
    """My own entry is what I made, every other trustee's commitments verify,
    and here is the fingerprint to compare."""
    me = state["secret"]["index"]
    mine = next((t for t in ceremony["trustees"] if t["index"] == me), None)
    if mine is None or mine["public"] != state["public"] or mine["box_public"] != state["box_public"]:
        raise KeyFileError("the server's copy of your own round-1 data differs from what you made: stop and tell the other trustees")
    if {k: mine.get(k) for k in ("commitment_digest", "seed_commitment")} != _digests(ceremony["manifest"], state):
        raise KeyFileError("the server's copy of your own round-1 digest differs from what you made: stop and tell the other trustees")
    for t in ceremony["trustees"]:
        api.dkg_check_public(ceremony["manifest"], t["public"])
        if t["public"].get("index") != t["index"] or cr.commitment_digest(ceremony["manifest"], t["public"]) != t["commitment_digest"]:
            raise KeyFileError(f"trustee {t['index']}'s commitments do not match the digest they posted in round 1: tell the ballot's officers")
    fingerprint = ceremony_fingerprint(ceremony)
    print(f"Ceremony fingerprint: {fingerprint}\nRead it out to the other trustees by phone or in person. If any differs, stop.", file=sys.stderr)
    return fingerprint


def keygen_shares(ceremony: dict, state_path: str) -> dict:
    """Round 3: one share for each other trustee, sealed so only they can open it."""
    state = _state(ceremony, state_path)
    me = state["secret"]["index"]
    fingerprint = _check_ceremony(ceremony, state)
    return {"fingerprint": fingerprint, "shares": {str(t["index"]): keyfile.seal_to(t["box_public"], api.dkg_share(state["secret"], t["index"]).encode())
                       for t in ceremony["trustees"] if t["index"] != me}}  # fmt: skip


def keygen_finish(ceremony: dict, state_path: str, key_path: str) -> dict:
    """Round 4: open and check every share addressed to me, and keep my key share (and my tie-lot value)."""
    state = _state(ceremony, state_path)
    me = state["secret"]["index"]
    fingerprint = _check_ceremony(ceremony, state)
    publics = [t["public"] for t in ceremony["trustees"]]
    received = {me: api.dkg_share(state["secret"], me)}
    for sender in ceremony["trustees"]:
        if sender["index"] == me:
            continue
        bad = KeyFileError(f"trustee {sender['index']} sent a share that does not match their commitments: tell the ballot's officers")
        try:
            share = keyfile.open_box(state["box_public"], state["box_secret"], ceremony["shares_for_me"][str(sender["index"])]).decode()
            if not api.dkg_check_share(ceremony["manifest"], sender["public"], me, share):
                raise bad
        except (ValueError, KeyError, TypeError) as exc:  # a box that does not open, or opens to something that is not a share
            raise bad from exc
        received[sender["index"]] = share
    key, joint = api.dkg_finish(ceremony["manifest"], me, received, publics)
    key["seed"] = state["seed"]  # revealed with the decryption shares, for the tie-lot seed
    with open(key_path, "x", encoding="utf-8") as f:
        json.dump(keyfile.seal(key, _passphrase()), f)
    print(f"Ballot key: {joint}\nCompare it with the other trustees and with the key the ballot page shows.", file=sys.stderr)
    return {"joint_key": joint, "fingerprint": fingerprint}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="unionhall-trustee", description="A ballot trustee's tools.")
    sub = ap.add_subparsers(dest="command", required=True)
    for name in ("keygen-start", "keygen-reveal", "keygen-shares"):
        p = sub.add_parser(name)
        p.add_argument("ceremony")
        p.add_argument("state")
    p = sub.add_parser("keygen-finish")
    p.add_argument("ceremony")
    p.add_argument("state")
    p.add_argument("keyfile")
    share = sub.add_parser("share", help="make decryption shares for a closed ballot's tallies")
    share.add_argument("tallies")
    share.add_argument("keyfile")
    a = ap.parse_args(argv)
    if a.command.startswith("keygen"):
        try:
            ceremony = _read(a.ceremony)
            if a.command == "keygen-start":
                out = keygen_start(ceremony, a.state)
            elif a.command == "keygen-reveal":
                out = keygen_reveal(ceremony, a.state)
            elif a.command == "keygen-shares":
                out = keygen_shares(ceremony, a.state)
            else:
                out = keygen_finish(ceremony, a.state, a.keyfile)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            print(f"unionhall-trustee: {exc}", file=sys.stderr)
            return 1
        print(json.dumps(out))
        return 0
    try:
        with open(a.tallies, encoding="utf-8") as f:
            data = json.load(f)
        with open(a.keyfile, encoding="utf-8") as f:
            sealed = json.load(f)
    except (OSError, ValueError) as exc:
        print(f"unionhall-trustee: cannot read: {exc}", file=sys.stderr)
        return 2
    try:
        key = open_sealed(sealed, _passphrase())
    except KeyFileError as exc:
        print(f"unionhall-trustee: {exc}", file=sys.stderr)
        return 1
    # The server lists only the tallies that may be decrypted now (the overall
    # result; areas once the officers open them and if large enough).
    shares = {t["area"]: api.decryption_share(data["manifest"], data["joint_key"], key, t) for t in data["tallies"]}
    if key.get("seed"):
        shares[SEED_REVEAL] = key["seed"]
    print(json.dumps(shares))
    return 0


if __name__ == "__main__":
    sys.exit(main())
