"""Three trustees make the ballot's key in their own browsers (three browser
contexts, each signed in as its trustee): round 1 saves a passphrase-locked
state file to the trustee's computer and sends only digests, round 2 shows
the commitments once every digest is in, round 3 shows the ceremony
fingerprint to compare before the sealed shares go, round 4 checks every
share and saves the key file. A member votes, the ballot closes, two trustees
decrypt in the browser from their key files (revealing their tie-lot
values), the result shows, and unionhall-verify passes, lot seed included.
On the way, a changed digest, a wrong passphrase and a tampered share are
refused with a clear message and change nothing."""

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_register_in_browser import sign_in_by_link
from tests.unionhall.ballots.conftest import crowd  # noqa: F401  (fixture)
from tests.unionhall.ballots.test_casting import cast
from tests.unionhall.ballots.test_counting import close
from tests.unionhall.conftest import people, union  # noqa: F401  (fixtures)
from unionhall.ballots.ceremony import ceremony_download, ceremony_start
from unionhall.ballots.models import Ballot, Question, Trustee
from unionhall.ballots.record import ballot_record
from unionhall.ballots.setup import ballot_open
from unionhall.ballots.counting import lot_seed
from votecrypt import api, ceremony_record, keyfile
from votecrypt.trustee_cli import ceremony_fingerprint

PASSPHRASES = {1: "first trustee's long passphrase", 2: "second trustee: another one", 3: "third trustee, third phrase"}
SLOW = 120_000  # ms: each step stretches a passphrase (Argon2id, 64 MiB) in pure JavaScript


@pytest.fixture
def draft(people, union, crowd):  # noqa: F811
    b = Ballot.objects.create(slug="pay-2027", title="Pay offer 2027", employer=union.pps, trustee_threshold=2,
                              opens_at=timezone.now() - dt.timedelta(hours=1), closes_at=timezone.now() + dt.timedelta(days=7))  # fmt: skip
    Question.objects.create(ballot=b, position=1, key="accept", text="Do you accept the pay offer?", kind=Question.Kind.YES_NO)
    for index, member in enumerate((people.hq, people.carol, people.dave), start=1):
        Trustee.objects.create(ballot=b, index=index, user=member.user, label=f"Trustee {index}")
    ceremony_start(ballot=b, actor=None)
    b.refresh_from_db()
    return b


@pytest.fixture
def trustees(browser, live, people, draft):
    """Trustee index -> a signed-in page in a browser context of its own."""
    contexts, pages = [], {}
    for index, member in enumerate((people.hq, people.carol, people.dave), start=1):
        context = browser.new_context(base_url=live.url, accept_downloads=True, viewport={"width": 412, "height": 900})
        page = context.new_page()
        page.set_default_timeout(SLOW)
        sign_in_by_link(page, member.user.email)
        contexts.append(context)
        pages[index] = page
    yield pages
    for context in contexts:
        context.close()


def status(page):
    return page.locator("#status")


def open_round(page, slug, expected_round):
    page.goto(f"/ballots/{slug}/trustee/")
    expect(page.get_by_role("heading", name=f"Key ceremony: round {expected_round} of 4")).to_be_visible()


def save_download(page, click, path: Path) -> Path:
    with page.expect_download(timeout=SLOW) as download:
        click()
    download.value.save_as(path)
    return path


def test_three_trustees_make_the_key_in_their_browsers_and_two_count_the_result(trustees, draft, people, crowd, page, tmp_path):  # noqa: F811
    slug = draft.slug
    states, keys = {}, {}
    for i, tp in trustees.items():
        open_round(tp, slug, 1)
        tp.get_by_label("Passphrase", exact=True).fill(PASSPHRASES[i])
        tp.get_by_label("Passphrase again").fill(PASSPHRASES[i])
        states[i] = save_download(tp, tp.get_by_role("button", name="Make my round 1").click, tmp_path / f"state-{i}.json")
        tp.get_by_role("button", name="Send round 1").click()
        expect(status(tp)).to_contain_text("Recorded round 1: digests.")
    sealed_state = json.loads(states[1].read_text())
    assert sealed_state["version"] == keyfile.VERSION and "coefficients" not in states[1].read_text()
    state_1 = keyfile.open_sealed(sealed_state, PASSPHRASES[1])
    first = Trustee.objects.get(ballot=draft, index=1)
    assert first.dkg_public is None and first.dkg_commitment_digest == ceremony_record.commitment_digest(draft.manifest, state_1["public"])

    # Round 2: commitments, only now that every digest is in. A server that
    # changed trustee 1's digest is caught in trustee 1's browser.
    first.dkg_commitment_digest = "ab" * 32
    first.save(update_fields=["dkg_commitment_digest"])
    open_round(trustees[1], slug, 2)
    trustees[1].get_by_label("Your state file (from round 1)").set_input_files(states[1])
    trustees[1].get_by_label("Its passphrase").fill(PASSPHRASES[1])
    trustees[1].get_by_role("button", name="Check and show my commitments").click()
    expect(status(trustees[1])).to_have_text(
        "The server's copy of your round-1 digests differs from what you made: stop and tell the other trustees.")
    first.dkg_commitment_digest = ceremony_record.commitment_digest(draft.manifest, state_1["public"])
    first.save(update_fields=["dkg_commitment_digest"])
    for i, tp in trustees.items():
        open_round(tp, slug, 2)
        tp.get_by_label("Your state file (from round 1)").set_input_files(states[i])
        tp.get_by_label("Its passphrase").fill(PASSPHRASES[i])
        tp.get_by_role("button", name="Check and show my commitments").click()
        tp.get_by_role("button", name="Send round 2").click()
        expect(status(tp)).to_contain_text("Recorded round 2: commitments.")
    assert Trustee.objects.get(ballot=draft, index=1).dkg_public == state_1["public"]

    # Round 3. A wrong passphrase is refused here and sends nothing.
    open_round(trustees[1], slug, 3)
    trustees[1].get_by_label("Your state file (from round 1)").set_input_files(states[1])
    trustees[1].get_by_label("Its passphrase").fill("not the passphrase at all")
    trustees[1].get_by_role("button", name="Open and check").click()
    expect(status(trustees[1])).to_have_text("Wrong passphrase, or the file was changed.")
    assert Trustee.objects.get(ballot=draft, index=1).sealed_shares == {}
    fingerprints = set()
    for i, tp in trustees.items():
        open_round(tp, slug, 3)
        tp.get_by_label("Your state file (from round 1)").set_input_files(states[i])
        tp.get_by_label("Its passphrase").fill(PASSPHRASES[i])
        tp.get_by_role("button", name="Open and check").click()
        expect(tp.locator("#fingerprint")).to_have_text(re.compile(r"^[0-9A-F]{4}(-[0-9A-F]{4}){5}$"))
        fingerprints.add(tp.locator("#fingerprint").inner_text())
        tp.get_by_role("button", name="The fingerprints match: send my shares").click()
        expect(status(tp)).to_contain_text("Recorded round 3: sealed shares.")
    ceremony = ceremony_download(draft, Trustee.objects.get(ballot=draft, index=1))
    assert fingerprints == {ceremony_fingerprint(ceremony)}  # what unionhall-trustee prints

    # Round 4. Trustee 2's share for trustee 1 is swapped (by a broken or
    # dishonest server) for one that opens but does not match 2's commitments.
    sender = Trustee.objects.get(ballot=draft, index=2)
    honest = dict(sender.sealed_shares)
    box_1 = Trustee.objects.get(ballot=draft, index=1).box_public
    sender.sealed_shares = {**honest, "1": keyfile.seal_to(box_1, ("07" + "00" * 31).encode())}
    sender.save(update_fields=["sealed_shares"])
    open_round(trustees[1], slug, 4)
    trustees[1].get_by_label("Your state file (from round 1)").set_input_files(states[1])
    trustees[1].get_by_label("Its passphrase").fill(PASSPHRASES[1])
    trustees[1].get_by_role("button", name="Make my key").click()
    expect(status(trustees[1])).to_have_text("Trustee 2 sent a share that does not match their commitments: tell the ballot's officers.")
    assert Trustee.objects.get(ballot=draft, index=1).confirmed_key == ""
    sender.sealed_shares = honest
    sender.save(update_fields=["sealed_shares"])

    joint_keys = set()
    for i, tp in trustees.items():
        open_round(tp, slug, 4)
        tp.get_by_label("Your state file (from round 1)").set_input_files(states[i])
        tp.get_by_label("Its passphrase").fill(PASSPHRASES[i])
        keys[i] = save_download(tp, tp.get_by_role("button", name="Make my key").click, tmp_path / f"key-{i}.json")
        expect(tp.locator("#joint-key")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
        joint_keys.add(tp.locator("#joint-key").inner_text())
        tp.get_by_role("button", name="Confirm the key").click()
        expect(status(tp)).to_contain_text("Recorded round 4: key confirmed.")
    draft.refresh_from_db()
    assert draft.joint_key and joint_keys == {draft.joint_key}
    key_file = json.loads(keys[2].read_text())
    assert (key_file["ops"], key_file["mem"]) == (keyfile.BROWSER_OPS, keyfile.BROWSER_MEM)
    assert keyfile.open_sealed(key_file, PASSPHRASES[2])["index"] == 2  # the tool can use the browser's key file
    stored = json.dumps(list(Trustee.objects.filter(ballot=draft).values()), default=str)
    secrets = [keyfile.open_sealed(json.loads(keys[i].read_text()), PASSPHRASES[i])["share"] for i in (1, 3)]
    assert not any(secret in stored for secret in secrets)  # the server never held a key share

    # A member votes in the browser; two more vote through the service.
    ballot_open(ballot=draft, actor=None)
    draft.refresh_from_db()
    sign_in_by_link(page, "a1@example.org")
    page.goto(f"/ballots/{slug}/vote/")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Encrypt my vote").click()
    page.get_by_role("button", name="Cast this vote").click()
    expect(page.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    cast(draft, crowd[0], yes=True)
    cast(draft, crowd[1], yes=False)
    close(draft)

    # Trustee 3 mistypes, then trustees 3 and 1 decrypt in their browsers.
    tp = trustees[3]
    tp.goto(f"/ballots/{slug}/trustee/")
    tp.get_by_label("Your key file").set_input_files(keys[3])
    tp.get_by_label("Its passphrase").fill(PASSPHRASES[1])
    tp.get_by_role("button", name="Make and send my decryption shares").click()
    expect(status(tp)).to_have_text("Wrong passphrase, or the file was changed.")
    assert Trustee.objects.get(ballot=draft, index=3).shares == {}
    for i in (3, 1):
        tp = trustees[i]
        tp.goto(f"/ballots/{slug}/trustee/")
        tp.get_by_label("Your key file").set_input_files(keys[i])
        tp.get_by_label("Its passphrase").fill(PASSPHRASES[i])
        tp.get_by_role("button", name="Make and send my decryption shares").click()
        expect(status(tp)).to_have_text("Your decryption shares were checked and recorded for: the overall result.")
    draft.refresh_from_db()
    assert draft.status == Ballot.Status.RESULT
    # Each sent the tie-lot value committed to in round 1; trustee 2, not needed for the count, revealed nothing.
    revealed = {t.index: t.seed_reveal for t in draft.trustees.all()}
    assert revealed[2] == "" and all(ceremony_record.seed_commitment(draft.manifest, i, revealed[i])
                                     == Trustee.objects.get(ballot=draft, index=i).seed_commitment for i in (1, 3))
    assert lot_seed(draft) == ceremony_record.lot_seed(draft.manifest, {1: revealed[1], 3: revealed[3]})

    page.goto(f"/ballots/{slug}/result/")
    turnout = page.get_by_role("list", name="Turnout")
    expect(turnout).to_contain_text("3 votes cast")
    options = api.option_counts(draft.manifest, draft.counts[""], 3)
    assert options == [[2, 1]]

    record_path = tmp_path / "record.json"
    record_path.write_text(json.dumps(ballot_record(draft)))
    verify = Path(sys.executable).with_name("unionhall-verify")
    ok = subprocess.run([str(verify), str(record_path)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("3 ballots"), ok.stdout
    assert f"lot seed {lot_seed(draft)[:16]}… from trustees 1, 3" in ok.stdout and "NOT CHECKED" not in ok.stdout
