"""Freshness: remind at 60 days, 'not confirmed recently' at 90, archived at 180."""

import io
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from groups.models import PeerGroup
from tests.conftest import make_group


def aged(group, days):
    PeerGroup.objects.filter(pk=group.pk).update(last_confirmed_at=timezone.now() - timedelta(days=days))
    return PeerGroup.objects.get(pk=group.pk)


def sweep():
    call_command("sweep_listings", stdout=io.StringIO())


def test_fresh_listings_are_left_alone(group):
    aged(group, 59)
    sweep()
    assert not mail.outbox
    group.refresh_from_db()
    assert group.status == "published" and group.reminder_sent_at is None


def test_at_60_days_facilitators_are_emailed_once(group, facilitator):
    aged(group, 61)
    sweep()
    sweep()  # idempotent: no second e-mail
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert "still correct" in mail.outbox[0].subject
    assert group.get_absolute_url() in mail.outbox[0].body
    group.refresh_from_db()
    assert group.reminder_sent_at is not None
    assert group.status == "published"


def test_at_90_days_the_listing_is_marked_in_lists_and_on_its_page(client, group):
    aged(group, 91)
    sweep()
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Not confirmed recently" in page
    listing = client.get(reverse("group_list"), {"near": "10027"}).content.decode()
    assert group.name in listing
    assert "Not confirmed recently" in listing


def test_at_89_days_it_is_not_marked(client, group):
    aged(group, 89)
    assert "Not confirmed recently" not in client.get(group.get_absolute_url()).content.decode()


def test_at_180_days_the_listing_is_archived_and_moderators_see_it(client, group, moderator, facilitator):
    aged(group, 181)
    sweep()
    sweep()
    group.refresh_from_db()
    assert group.status == "archived"
    assert list(group.events.values_list("action", flat=True)).count("archived") == 1
    assert client.get(group.get_absolute_url()).status_code == 404
    assert any(m.to == [facilitator.email] and "archived" in m.subject for m in mail.outbox)
    client.force_login(moderator)
    console = client.get(reverse("moderation")).content.decode()
    assert group.name in console.split('id="archived"')[1]


def test_confirming_resets_the_clock_and_the_reminder(client, group, facilitator):
    aged(group, 61)
    sweep()
    client.force_login(facilitator)
    client.post(reverse("group_confirm", args=[group.slug]))
    group.refresh_from_db()
    assert group.reminder_sent_at is None
    mail.outbox.clear()
    sweep()
    assert not mail.outbox


def test_thresholds_are_settings(settings, group):
    settings.LISTING_ARCHIVE_DAYS = 30
    aged(group, 31)
    sweep()
    group.refresh_from_db()
    assert group.status == "archived"


def test_drafts_are_not_swept(facilitator):
    draft = make_group(facilitator, status="draft")
    aged(draft, 400)
    sweep()
    draft.refresh_from_db()
    assert draft.status == "draft"
