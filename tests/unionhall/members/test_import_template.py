"""The import page offers a template: the importer's own columns, so the two
cannot drift apart, and only HQ may download it. The sample register in docs/
names every column the importer knows."""

import csv
import io
from pathlib import Path

from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.members.importer import COLUMNS

SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "sample-register.csv"


def test_hq_downloads_a_template_with_the_importers_columns(client, people):
    sign_in(client, people.hq)
    answer = client.get(reverse("import_template"))
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert answer.status_code == 200 and tuple(rows[0]) == COLUMNS and len(rows) == 3


def test_a_branch_officer_cannot_download_the_template(client, people):
    sign_in(client, people.carol)
    assert client.get(reverse("import_template")).status_code in (403, 404)


def test_the_sample_register_names_every_column_the_importer_knows():
    with SAMPLE.open(newline="") as f:
        header = next(csv.reader(f))
    assert tuple(header) == COLUMNS
