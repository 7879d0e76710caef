"""Members correct their own contact details and preferences; every change is
audited by field name, and nobody else's record can be reached this way."""

from django.urls import reverse

from tests.unionhall.conftest import sign_in
from unionhall.audit.models import Action, AuditEntry

FIELDS = {
    "contact-email": "alice.new@example.org",
    "contact-phone": "07700 900123",
    "contact-address_line1": "12 Mill Road",
    "contact-address_line2": "",
    "contact-town": "Elmwood",
    "contact-postcode": "ne1 4ab",
}


def test_a_member_updates_their_address_and_the_change_is_audited(client, people, union):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_details"), {**FIELDS, "contact-workplace": union.castle.pk})
    assert response.status_code == 302
    people.alice.refresh_from_db()
    assert (people.alice.address_line1, people.alice.postcode, people.alice.workplace) == ("12 Mill Road", "NE1 4AB", union.castle)
    assert people.alice.user.email == "alice.new@example.org"
    entry = AuditEntry.objects.get(action=Action.CHANGE)
    assert entry.detail == {"fields": ["address_line1", "email", "phone", "postcode", "town", "workplace"], "by": "member"}
    assert "12 Mill Road" not in str(entry.detail)


def test_a_bad_postcode_is_explained_and_nothing_saved(client, people):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_details"), {**FIELDS, "contact-postcode": "NOPE 1"})
    assert response.status_code == 200
    assert "Enter a UK postcode" in response.content.decode()
    people.alice.refresh_from_db()
    assert people.alice.address_line1 == "" and not AuditEntry.objects.filter(action=Action.CHANGE).exists()


def test_a_member_cannot_take_another_members_sign_in_address(client, people):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_details"), {**FIELDS, "contact-email": "b1@example.org"})
    assert "already used by another member" in response.content.decode()
    people.alice.refresh_from_db()
    assert people.alice.email == "a1@example.org"


def test_a_member_cannot_move_to_another_employers_workplace(client, people, union):
    sign_in(client, people.alice, mfa=False)
    response = client.post(reverse("my_details"), {**FIELDS, "contact-workplace": union.pier.pk})
    assert response.status_code == 200
    people.alice.refresh_from_db()
    assert people.alice.workplace == union.harbour


def test_preferences_are_saved(client, people):
    sign_in(client, people.alice, mfa=False)
    client.post(reverse("my_preferences"), {"prefs-wants_post": "on", "prefs-wants_sms": "on"})
    people.alice.refresh_from_db()
    assert (people.alice.wants_email, people.alice.wants_post, people.alice.wants_sms) == (False, True, True)
    assert AuditEntry.objects.get(action=Action.CHANGE).detail["fields"] == ["wants_email", "wants_post", "wants_sms"]


def test_the_directory_lists_current_officers_for_members(client, people):
    sign_in(client, people.alice, mfa=False)
    page = client.get(reverse("directory")).content.decode()
    assert "Carol Cooper" in page and "Branch secretary" in page and "Bob Baker" in page
    assert "Hana Hughes" not in page  # HQ staff are not officers of the union
