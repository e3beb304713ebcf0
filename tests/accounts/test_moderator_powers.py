"""Every moderator power, on every page, waits for the second factor. A moderator whose account
has no authenticator app (so who signed in with the password alone) is a member like any other:
no unpublished listings, no listing histories, no queue counts in the header, no console."""

import pytest
from django.urls import reverse

from groups.models import ListingEvent, PeerGroup
from tests.conftest import make_group, make_user


@pytest.fixture
def password_only_moderator(db):
    return make_user("mona@example.org", "Mona", moderator=True, authenticator=False)


@pytest.fixture
def listings(facilitator):
    return {
        status: make_group(
            facilitator,
            name=f"{status.title()} Listing",
            status=status,
            address=f"{len(status)} {status.title()} Street",
        )
        for status in (
            PeerGroup.Status.DRAFT,
            PeerGroup.Status.PENDING,
            PeerGroup.Status.REJECTED,
            PeerGroup.Status.ARCHIVED,
        )
    }


def test_unpublished_listings_are_hidden_from_a_moderator_without_an_app(client, password_only_moderator, listings):
    client.force_login(password_only_moderator)
    for group in listings.values():
        response = client.get(group.get_absolute_url())
        assert response.status_code == 404, group.status
        assert group.address not in response.content.decode()


def with_history(group):
    ListingEvent.objects.create(group=group, action=ListingEvent.Action.APPROVED, note="Checked the venue by phone")
    return group


def test_a_moderator_without_an_app_sees_no_listing_history(client, password_only_moderator, group):
    with_history(group)
    client.force_login(password_only_moderator)
    body = client.get(group.get_absolute_url()).content.decode()
    assert "Listing history" not in body and "Checked the venue by phone" not in body
    assert group.address in body  # the public address, as any visitor sees it


def test_the_header_shows_no_moderation_count_without_an_app(client, password_only_moderator, listings):
    """The link stays (it leads to setting up the app); the number of listings waiting does not."""
    client.force_login(password_only_moderator)
    body = client.get(reverse("home")).content.decode()
    assert 'class="count"' not in body and " waiting<" not in body


def test_the_console_and_its_actions_stay_shut_without_an_app(client, password_only_moderator, listings):
    client.force_login(password_only_moderator)
    pending = listings[PeerGroup.Status.PENDING]
    assert client.get(reverse("moderation_group", args=[pending.slug])).status_code == 302
    client.post(reverse("moderation_approve", args=[pending.slug]), {})
    pending.refresh_from_db()
    assert pending.status == PeerGroup.Status.PENDING


def test_with_an_app_the_same_moderator_has_every_power(client, moderator, listings, group):
    with_history(group)
    client.force_login(moderator)
    for listing in listings.values():
        response = client.get(listing.get_absolute_url())
        assert response.status_code == 200 and listing.address in response.content.decode()
    assert "Listing history" in client.get(group.get_absolute_url()).content.decode()
    body = client.get(reverse("home")).content.decode()
    assert 'class="count">1<span class="visually-hidden"> waiting</span>' in body  # the pending listing
