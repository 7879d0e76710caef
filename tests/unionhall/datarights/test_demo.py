"""The demo's data rights: the "Done when" path of issue 17 in a demo union."""

from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.datarights.demo import build_demo
from unionhall.datarights.models import ErasureRequest, RetentionRun, SubjectAccessRequest
from unionhall.datarights.requests import sars_overdue
from unionhall.members.demo.builder import build_demo_union
from unionhall.members.models import Member, User


def test_the_demo_member_sees_their_data_and_who_looked_and_hq_has_requests_and_a_run(client, db):
    build_demo_union(members=300, seed=3)
    lines = build_demo(3)
    assert any("/my-data/" in line for line in lines)
    assert SubjectAccessRequest.objects.count() == 2 and len(sars_overdue()) == 1
    assert ErasureRequest.objects.filter(status="pending").count() == 1
    run = RetentionRun.objects.get()
    assert run.finished_at is not None and run.counts["lapsed_member:members.Member"] >= 1
    assert Member.objects.filter(membership_number__startswith="anon-").count() == run.counts["lapsed_member:members.Member"]
    member = User.objects.get(email="member@demo.unionhall.test").member
    sign_in(client, member, mfa=False)
    client.post(reverse("datarights_privacy"))  # the notice, shown at first sign-in
    looks = client.get(reverse("datarights_looks")).content.decode()
    assert "preparing for a grievance meeting" in looks and "found you in a register search" in looks
    assert "included your record in a register export" in looks
    assert member.membership_number in client.get(reverse("datarights_my_data")).content.decode()
    assert client.post(reverse("datarights_download"), {"format": "pdf"}).content.startswith(b"%PDF")
