"""The bulletins page links to "your preferences": following that link (a GET)
lands on the preferences on My details, not on a 405."""

from django.urls import reverse

from tests.unionhall.conftest import sign_in


def test_following_the_preferences_link_shows_the_preferences(client, people):
    sign_in(client, people.alice, mfa=False)
    answer = client.get(reverse("my_preferences"))
    assert answer.status_code == 302 and answer["Location"] == reverse("my_details") + "#preferences"
    assert 'id="preferences"' in client.get(answer["Location"]).content.decode()
