"""Full-text search of the archive: FTS5 on SQLite, tsvector with a GIN index on PostgreSQL."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.unionhall.bulletins.conftest import publish
from tests.unionhall.conftest import sign_in
from unionhall.bulletins.models import Audience, Bulletin
from unionhall.bulletins.queries import bulletins_for, fts5_query, search_bulletins


@pytest.fixture
def archive(blog, people):
    return {
        "pay": publish(blog, people.hq, title="Pay talks resume", summary="The employer made no offer.", body="We met the employer about salaries.", by_email=False),
        "caseload": publish(blog, people.hq, title="Caseloads", summary="Count your cases.", body="Workload survey: how many cases do you hold?", by_email=False),
        "reps": publish(blog, people.hq, title="For reps: pay meeting notes", summary="Notes.", body="Pay and grading.", audience=Audience.ACTIVISTS, by_email=False),
    }


def found(member, text) -> set[str]:
    return set(search_bulletins(bulletins_for(member), text).values_list("title", flat=True))


def test_search_finds_words_in_title_summary_and_body_with_stemming(archive, people):
    assert found(people.alice, "salary") == {"Pay talks resume"}  # body says "salaries"
    assert found(people.alice, "workloads") == {"Caseloads"}
    assert found(people.alice, "employer offer") == {"Pay talks resume"}
    assert found(people.alice, "pension") == set()


def test_search_keeps_to_the_members_audience(archive, people):
    assert found(people.alice, "pay") == {"Pay talks resume"}
    assert found(people.bob, "pay") == {"Pay talks resume", "For reps: pay meeting notes"}


def test_an_edited_bulletin_is_found_by_its_new_words_only(archive, people):
    Bulletin.objects.filter(pk=archive["caseload"].pk).update(body="Sickness absence is rising.")
    assert found(people.alice, "sickness") == {"Caseloads"} and found(people.alice, "survey") == set()
    Bulletin.objects.filter(pk=archive["caseload"].pk).delete()
    assert found(people.alice, "sickness") == set()


@pytest.mark.parametrize("hostile", ['"', "pay OR", "NEAR(", "title:pay", "*", "a' OR 1=1 --", "((("])
def test_search_syntax_in_the_box_is_never_an_error(client, archive, people, hostile):
    sign_in(client, people.alice, mfa=False)
    assert client.get(reverse("bulletin_list"), {"q": hostile}).status_code == 200


def test_the_archive_page_searches_and_ranks(client, archive, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("bulletin_list"), {"q": "employer"}).content.decode()
    assert "Pay talks resume" in page and "Caseloads" not in page


def test_fts5_query_quotes_every_word():
    assert fts5_query('pay "offer" NEAR(x') == '"pay" "offer" "NEAR" "x"*'
    assert fts5_query("!!!") == ""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table and its triggers are SQLite's")
def test_the_fts5_triggers_exist(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'bulletins_bulletin'")
        assert {row[0] for row in cursor.fetchall()} >= {"bulletins_bulletin_fts_insert", "bulletins_bulletin_fts_update", "bulletins_bulletin_fts_delete"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_uses_the_gin_index(archive, people):
    query = search_bulletins(Bulletin.objects.all(), "employer")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = query.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "bulletin_search_gin" in plan
