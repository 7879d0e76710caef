"""Casework's cast on top of the register's: alice asks for help; bob (rep at
Harbour) and ivy (rep at Castle) represent; carol is North's secretary; dave,
South's secretary, is the officer outside the case; nina is a national rep."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.unionhall.conftest import give_office, make_member
from unionhall.casework import services
from unionhall.casework.models import CaseType
from unionhall.members.models import Member, Role
from unionhall.members.remit import NO_REMIT, remit_for

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Cast:
    ivy: Member
    nina: Member


@pytest.fixture
def cast(people, union) -> Cast:
    c = Cast(ivy=make_member("I1", union.north, union.castle, first_name="Ivy", last_name="Irwin"),
             nina=make_member("N1", union.south, union.quay, first_name="Nina", last_name="Noor"))  # fmt: skip
    give_office(c.ivy, Role.WORKPLACE_REP, workplace=union.castle)
    give_office(c.nina, Role.NATIONAL_REP)
    return c


def remit(member):
    return remit_for(member.user) if member.user else NO_REMIT


def png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def pdf_upload(name="letter.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def open_case(people, *, kind=CaseType.DISCIPLINARY, rep=None, text="My manager shouted at me in the Harbour kitchen", **kw):
    """alice's case, with ``rep`` assigned by carol and accepted."""
    case = services.case_request(member=people.alice, kind=kind, what_happened=text, now=NOW, **kw)
    if rep is not None:
        case = services.case_assign(actor=people.carol, remit=remit(people.carol), case=case, rep=rep, now=NOW)
        case = services.case_accept(actor=rep, case=case, now=NOW)
    return case
