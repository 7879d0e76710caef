"""Refreshing the MPs from a new snapshot: the changes are shown, letters
already written keep the MP they went to, and the report says who the MP is now."""

import csv
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from unionhall.campaigns import constituencies, replies

from ..conftest import sign_in
from .test_letters import write_and_confirm

NEWCASTLE = "E14001377"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """The MPs file copied, so --write never touches the project's own."""
    copy = tmp_path / "mps.csv"
    shutil.copy(constituencies.MPS_FILE, copy)
    monkeypatch.setattr(constituencies, "MPS_FILE", copy)
    monkeypatch.setattr(constituencies, "DATA", tmp_path)
    constituencies.representatives.cache_clear()
    constituencies._candidates.cache_clear()
    yield copy
    constituencies.representatives.cache_clear()
    constituencies._candidates.cache_clear()


def by_election(source, tmp_path, code=NEWCASTLE, name="Robin Newfield"):
    rows = list(csv.DictReader(source.open(encoding="utf-8", newline="")))
    for row in rows:
        if row["pcon24cd"] == code:
            row["mp_name"], row["full_title"], row["email"] = name, f"{name} MP", "robin.newfield.mp@parliament.uk"
    new = tmp_path / "new.csv"
    with new.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return new


def test_a_by_election_is_shown_and_letters_keep_their_mp(people, campaign, data_copy, tmp_path, capsys, client):
    letter = write_and_confirm(people.alice, campaign)
    assert letter.constituency_code == NEWCASTLE
    new = by_election(data_copy, tmp_path)
    call_command("campaigns_mps", "--from", str(new))
    out = capsys.readouterr().out
    assert "Newcastle upon Tyne Central and West (E14001377): Dame Chi Onwurah -> Robin Newfield" in out and "1 seat(s) changed" in out
    assert constituencies.representatives()[NEWCASTLE].name == "Dame Chi Onwurah"  # shown, not installed
    call_command("campaigns_mps", "--from", str(new), "--write")
    assert constituencies.representatives()[NEWCASTLE].name == "Robin Newfield"
    letter.refresh_from_db()
    assert letter.recipient_name == "Dame Chi Onwurah MP"  # the letter went to her, and says so
    [row] = replies.responsiveness(campaign)
    assert row.name == "Dame Chi Onwurah MP" and row.now == "Robin Newfield MP"
    sign_in(client, people.hq)
    assert "MP now: Robin Newfield MP" in client.get(reverse("campaigns_report", args=[campaign.slug])).content.decode()


def test_a_file_missing_seats_or_columns_is_refused_and_nothing_changes(data_copy, tmp_path):
    before = data_copy.read_bytes()
    short = tmp_path / "short.csv"
    short.write_text("".join(data_copy.read_text(encoding="utf-8").splitlines(keepends=True)[:100]), encoding="utf-8")
    with pytest.raises(CommandError, match="every one of the 650 seats"):
        call_command("campaigns_mps", "--from", str(short), "--write")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nE1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lacks the columns"):
        call_command("campaigns_mps", "--from", str(bad), "--write")
    assert data_copy.read_bytes() == before
