"""The demo elections: one declared unopposed, one counted by STV."""

import stvcount

from unionhall.elections.demo import build_demo_elections
from unionhall.elections.models import Election
from unionhall.members.demo.builder import build_demo_union
from unionhall.members.models import Office, Role


def test_the_demo_has_an_unopposed_general_secretary_and_an_nec_counted_by_stv(db, client):
    build_demo_union(members=200, seed=3)
    gs, nec = build_demo_elections(3)
    assert gs.status == Election.Status.UNCONTESTED and gs.nominations.filter(elected=True).count() == 1
    assert nec.status == Election.Status.DECLARED and nec.nominations.count() == 5
    assert nec.nominations.filter(elected=True).count() == 3 and nec.stage_table["valid"] == 200
    recount = stvcount.count(stvcount.parse_blt(nec.blt), "scottish", seed=nec.pk)
    assert recount.to_dict() == nec.stage_table
    assert Office.objects.filter(role=Role.NEC_MEMBER, starts_on=nec.term_starts_on).count() == 3
    assert Office.objects.filter(role=Role.GENERAL_SECRETARY, starts_on=gs.term_starts_on).count() == 1
