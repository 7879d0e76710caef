"""A member votes with a credential in a real chromium: the booth asks for the
code from the credential authority's letter, refuses a mistyped one in the
page, signs the encrypted vote with the right one, and the server stores it
with its public credential. After the close the record verifies with
unionhall-verify; a ballot then put straight into the database, with no
credential, makes it fail."""

import json
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.test_register_in_browser import sign_in_by_link
from tests.unionhall.ballots.conftest import ballot, crowd  # noqa: F401  (fixtures)
from tests.unionhall.ballots.test_credentials import (AUTHORITY_NAME, alias_of, authority, close_and_decrypt,  # noqa: F401
                                                      frozen, signed_ballot)
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from unionhall.ballots.models import Cast, RollEntry
from votecrypt import api, credentials as cr
from votecrypt.rng import SeededRng


def test_a_member_casts_a_signed_ballot_with_the_code_from_the_letter(page, signed_ballot, people, tmp_path):
    b = signed_ballot
    code = b.codes[alias_of(b, people.alice)]
    sign_in_by_link(page, "a1@example.org")
    page.goto(f"/ballots/{b.slug}/")
    expect(page.locator("#roll-and-credentials")).to_contain_text(AUTHORITY_NAME)
    expect(page.locator("#roll-commitment")).to_have_text(b.roll_commitment)
    page.get_by_role("link", name="Vote now").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Encrypt my vote").click()
    expect(page.get_by_text(f"the code in the letter from {AUTHORITY_NAME}")).to_be_visible()

    # One character wrong: the check character catches it in the page, and nothing is sent.
    raw = cr.normalise_code(code)
    typo = raw[:4] + ("A" if raw[4] != "A" else "B") + raw[5:]
    try:
        cr.normalise_code(typo)
        typo = raw[:-1]  # this typo happened to pass the check: a short code instead
    except cr.CredentialError:
        pass
    page.get_by_label("Your voting code").fill(typo)
    page.get_by_role("button", name="Cast this vote").click()
    expect(page.locator("#credential-error")).to_contain_text("That code is not right")
    assert not Cast.objects.exists()

    # Typed as people type: lower case, spaces instead of hyphens.
    page.get_by_label("Your voting code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Cast this vote").click()
    expect(page.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    cast = Cast.objects.get()
    assert cast.credential.public == cr.public_from_code(b.manifest, code) and cast.signature

    record = close_and_decrypt(b)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    verify = Path(sys.executable).with_name("unionhall-verify")
    ok = subprocess.run([str(verify), str(path), "--roll-commitment", b.roll_commitment], capture_output=True, text=True)
    assert ok.returncode == 0 and "credentials: 1 counted ballots signed" in ok.stdout, ok.stdout


def test_a_ballot_injected_into_the_database_without_a_credential_fails(signed_ballot, people, tmp_path):
    b = signed_ballot
    entry = RollEntry.objects.get(ballot=b, member=people.bob)
    content, _ = api.encrypt_ballot(b.manifest, b.joint_key, entry.alias, [[1, 0]], SeededRng("injected"))
    Cast.objects.create(ballot=b, roll_entry=entry, content=content, tracker=api.tracker(b.manifest, b.joint_key, content))
    record = close_and_decrypt(b)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    verify = Path(sys.executable).with_name("unionhall-verify")
    bad = subprocess.run([str(verify), str(path)], capture_output=True, text=True)
    assert bad.returncode == 1 and "FAIL credentials.ballots" in bad.stdout, bad.stdout
