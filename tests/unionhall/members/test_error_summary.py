"""A form sent back with errors opens with a summary at the top of the page,
each error linking to its field (issue 16; GOV.UK's pattern)."""

from django.urls import reverse

from tests.unionhall.conftest import sign_in


def test_an_invalid_form_opens_with_an_error_summary_linking_to_the_field(client, people):
    sign_in(client, people.hq)
    page = client.post(reverse("offices"), {"member_number": "NOBODY", "role": "workplace_rep"}).content.decode()
    summary = page[page.index('id="error-summary"') : page.index("</div>", page.index('id="error-summary"'))]
    assert "There is a problem" in summary and 'href="#id_member_number"' in summary and "No member has that number." in summary


def test_a_page_without_errors_has_no_summary(client, people):
    sign_in(client, people.hq)
    assert 'id="error-summary"' not in client.get(reverse("offices")).content.decode()
