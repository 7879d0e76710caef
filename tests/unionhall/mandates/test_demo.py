"""The demo's statutory hybrid ballot runs from notice of ballot to result
notice, mandate and notice of action, with every document issued in order."""

import datetime as dt

from unionhall.audit.models import AuditEntry
from unionhall.ballots.models import Ballot
from unionhall.ballots.record import ballot_record
from votecrypt import api
from unionhall.mandates.demo import build_demo_statutory_ballot
from unionhall.mandates.documents import build, render_pdf
from unionhall.mandates.models import Document
from unionhall.mandates.services import mandate, result_figures
from unionhall.members.demo.builder import build_demo_union


def test_the_demo_statutory_ballot_runs_from_notice_to_mandate(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    build_demo_union(members=300, seed=3)
    sb = build_demo_statutory_ballot(seed=3)
    assert sb.ballot.status == Ballot.Status.RESULT
    kinds = list(Document.objects.filter(statutory=sb).order_by("issued_at").values_list("kind", flat=True))
    assert kinds == ["ballot-notice", "sample-paper", "result-notice", "mandate", "action-notice"]
    r = result_figures(sb)
    assert r.cast_online > 0 and r.cast_postal > 0 and r.cast == r.cast_online + r.cast_postal
    assert r.turnout_met and [q.key for q in r.mandate_for] == ["strike", "asos"]
    m = mandate(sb)
    assert m.months == 12 and m.expires_on > dt.date.today()
    assert "DEMO ONLY" in AuditEntry.objects.get(detail__event="rule dates changed").detail["reason"]
    assert render_pdf(build(sb, Document.Kind.RESULT_NOTICE)).startswith(b"%PDF")
    # The election record carries both channels: the online ballots, proved,
    # and the scrutineer's postal count, stated; the verifier checks both.
    record = ballot_record(sb.ballot)
    report = api.verify_record(record)
    assert report.ok, (report.failed, report.detail)
    postal = record["postal"]
    assert postal["papers_returned"] == r.cast_postal and set(postal["questions"]) == {"q1", "q2"}
    assert any(line.startswith("result postal papers") for line in report.lines())
