"""Rate limits on reading the register: past the limit the request is refused with a clear 429 and
nothing happens; other people are not affected."""

from django.urls import reverse

from tests.unionhall.conftest import sign_in


def test_register_search_is_limited_per_officer(client, people):
    sign_in(client, people.hq)
    url = reverse("register_search")
    for _ in range(120):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429 and "Slow down" in refused.content.decode()
    sign_in(client, people.carol)  # another officer has their own allowance
    assert client.get(url).status_code == 200
