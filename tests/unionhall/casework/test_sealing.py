"""Case files sealed at rest: they open only with a listed key, for the row and
field they were sealed for, and the database holds no clear text."""

import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import given, settings as hsettings, strategies as st

from tests.unionhall.casework.conftest import open_case
from unionhall.casework import sealing
from unionhall.casework.models import Case, Entry
from unionhall.casework.services import entry_add
from tests.unionhall.casework.conftest import remit

OLD = sealing.make_key()
NEW = sealing.make_key()


@given(st.binary(max_size=2000), st.text(max_size=80))
@hsettings(max_examples=60, deadline=None)
def test_a_sealed_blob_opens_to_what_was_sealed(data, aad):
    assert sealing.unseal(sealing.seal(data, aad=aad), aad=aad) == data


@given(st.binary(min_size=1, max_size=200), st.text(max_size=40), st.text(max_size=40))
@hsettings(max_examples=60, deadline=None)
def test_a_blob_moved_to_another_row_or_field_does_not_open(data, aad, other):
    if aad == other:
        return
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(sealing.seal(data, aad=aad), aad=other)


@given(st.binary(min_size=1, max_size=200), st.integers(min_value=0, max_value=10_000))
@hsettings(max_examples=60, deadline=None)
def test_any_altered_byte_is_caught(data, where):
    blob = bytearray(sealing.seal(data, aad="x"))
    blob[where % len(blob)] ^= 0x01
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(bytes(blob), aad="x")


def test_the_blob_carries_its_version_and_key_id():
    blob = sealing.seal("note", aad="a")
    assert blob.startswith(b"cw1")
    assert b"note" not in blob


def test_keys_rotate_newest_first_and_old_blobs_still_open():
    with override_settings(CASEWORK_KEYS=[OLD]):
        old_blob = sealing.seal("before rotation", aad="a")
    with override_settings(CASEWORK_KEYS=[NEW, OLD]):
        assert sealing.unseal_text(old_blob, aad="a") == "before rotation"
        assert sealing.needs_reseal(old_blob)
        assert not sealing.needs_reseal(sealing.seal("after", aad="a"))
    with override_settings(CASEWORK_KEYS=[NEW]), pytest.raises(sealing.SealBroken, match="no longer"):
        sealing.unseal(old_blob, aad="a")


def test_without_a_key_sealing_refuses_loudly():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(CASEWORK_KEYS=[]), pytest.raises(ImproperlyConfigured):
        sealing.seal("x", aad="a")


def test_a_key_of_the_wrong_length_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(CASEWORK_KEYS=["c2hvcnQ"]), pytest.raises(ImproperlyConfigured, match="32 bytes"):
        sealing.seal("x", aad="a")


def test_a_database_dump_shows_no_case_text_in_clear(people, cast):
    case = open_case(people, rep=people.bob, health_details="Migraine since January, on sertraline")
    entry_add(actor=people.bob, remit=remit(people.bob), case=case, kind="note", body="Witness Zebedee saw the shouting")
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary_sealed, health_sealed FROM casework_case")
        case_row = b"".join(bytes(v) for v in cursor.fetchone())
        cursor.execute("SELECT body_sealed FROM casework_entry")
        entries = b"".join(bytes(r[0]) for r in cursor.fetchall())
        cursor.execute("SELECT filename_sealed FROM casework_document")
        names = b"".join(bytes(r[0]) for r in cursor.fetchall())
    dump = case_row + entries + names
    for phrase in (b"shouted", b"Harbour kitchen", b"sertraline", b"Migraine", b"Zebedee"):
        assert phrase not in dump
    assert case.opened("summary") == "My manager shouted at me in the Harbour kitchen"


def test_a_note_copied_into_another_case_does_not_open(people, cast):
    first = open_case(people, rep=people.bob)
    second = open_case(people, rep=people.bob, text="Another matter")
    note = entry_add(actor=people.bob, remit=remit(people.bob), case=first, kind="note", body="private to the first case")
    moved = Entry.objects.create(case=second, kind="note", author=people.bob, at=note.at, body_sealed=note.body_sealed)
    with pytest.raises(sealing.SealBroken):
        moved.opened("body")
    Case.objects.filter(pk=second.pk).update(summary_sealed=first.summary_sealed)
    second.refresh_from_db()
    with pytest.raises(sealing.SealBroken):
        second.opened("summary")


def test_reseal_moves_every_blob_to_the_newest_key_so_the_old_can_go(people, cast):
    from django.core.management import call_command

    from unionhall.casework.documents import path_of

    from tests.unionhall.casework.conftest import pdf_upload

    with override_settings(CASEWORK_KEYS=[OLD]):
        case = open_case(people, rep=people.bob, health_details="Knee", uploads=[pdf_upload()])
    with override_settings(CASEWORK_KEYS=[NEW, OLD]):
        call_command("casework_reseal", stdout=open("/dev/null", "w"))
    with override_settings(CASEWORK_KEYS=[NEW]):
        case.refresh_from_db()
        assert case.opened("health") == "Knee"
        assert all(e.opened("body") for e in case.entries.all())
        doc = case.documents.get()
        assert doc.opened("filename") == "letter.pdf"
        assert sealing.unseal(path_of(doc).read_bytes(), aad=doc.aad("file")).startswith(b"%PDF")
