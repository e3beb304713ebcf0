"""Rate limits on everything a person sends: counted in the shared cache, refused with a 429 page
that says what to do, nothing saved past the limit, and refused (fail closed) while the cache is
unreachable."""

import os

import pytest
from django.core.cache import caches
from django.urls import reverse

from accounts.models import ContactMessage, User
from groups.models import JoinRequest, Report
from lessons.models import Testimonial
from tests.conftest import PASSWORD, make_group, make_user

WAIT = "Please wait a few minutes and try again"
SIGNUP = {
    "display_name": "Riley",
    "email": "riley@example.org",
    "password1": "a-long-enough-passphrase",
    "password2": "a-long-enough-passphrase",
}
CONTACT = {
    "name": "Sam",
    "email": "sam@example.org",
    "topic": "press",
    "message": "May we write about you?",
    "website": "",
}


def join(client, group):
    return client.post(reverse("group_join", args=[group.slug]), {"message": "Hello, I finished a program in May."})


def report(client, group):
    return client.post(reverse("group_report", args=[group.slug]), {"reason": "wrong"})


def send_testimonial(client):
    return client.post(reverse("testimonial_create"), {"text": "The group kept me practising.", "consent": "on"})


# --- Over the limit ------------------------------------------------------------------------------


def test_join_requests_over_the_hourly_limit_are_refused(client, member, facilitator, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join": [("user", "2/h")]}
    groups = [make_group(facilitator, name=f"Group {i}") for i in range(3)]
    client.force_login(member)
    assert [join(client, g).status_code for g in groups[:2]] == [302, 302]
    response = join(client, groups[2])
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert JoinRequest.objects.count() == 2


def test_the_join_limit_is_per_member(client, member, facilitator, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join": [("user", "1/h")]}
    first, second = make_group(facilitator, name="One"), make_group(facilitator, name="Two")
    client.force_login(member)
    assert join(client, first).status_code == 302
    client.force_login(make_user("bo@example.org", "Bo"))
    assert join(client, second).status_code == 302
    assert JoinRequest.objects.count() == 2


def test_reports_over_the_hourly_limit_are_refused(client, member, group, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": [("user", "2/h")]}
    client.force_login(member)
    assert [report(client, group).status_code for _ in range(2)] == [302, 302]
    response = report(client, group)
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert Report.objects.count() == 2


def test_testimonials_over_the_hourly_limit_are_refused(client, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "testimonial": [("user", "1/h")]}
    client.force_login(member)
    assert send_testimonial(client).status_code == 302
    response = send_testimonial(client)
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert Testimonial.objects.count() == 1


def test_contact_messages_over_the_limit_per_connection_are_refused(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": [("ip", "2/h")]}
    for i in range(2):
        assert client.post(reverse("contact"), dict(CONTACT, email=f"r{i}@example.org")).status_code == 302
    response = client.post(reverse("contact"), dict(CONTACT, email="new@example.org"))
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert ContactMessage.objects.count() == 2


def test_reading_the_form_never_counts(client, member, group, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": [("user", "1/h")]}
    client.force_login(member)
    for _ in range(5):
        assert client.get(reverse("group_report", args=[group.slug])).status_code == 200
    assert report(client, group).status_code == 302


def test_behind_a_proxy_each_visitor_is_counted_by_their_own_address(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": [("ip", "1/h")]}
    send = lambda ip, n: client.post(  # noqa: E731
        reverse("contact"), dict(CONTACT, email=f"p{n}@example.org"), HTTP_X_FORWARDED_FOR=ip
    )
    assert send("203.0.113.5", 1).status_code == 302
    assert send("198.51.100.7", 2).status_code == 302  # another visitor through the same proxy
    assert send("203.0.113.5", 3).status_code == 429
    assert ContactMessage.objects.count() == 2


# --- allauth's limits: sign-up, log-in, password reset -------------------------------------------


def test_sign_ups_over_the_limit_are_refused(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    for n in range(2):
        assert client.post(reverse("account_signup"), dict(SIGNUP, email=f"s{n}@example.org")).status_code == 302
    response = client.post(reverse("account_signup"), dict(SIGNUP, email="s9@example.org"))
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert not User.objects.filter(email="s9@example.org").exists()


def test_repeated_failed_log_ins_lock_the_address_even_with_the_right_password(client, member):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong-password-here"})
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_requests_are_limited_per_address(client, member):
    from django.core import mail

    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": member.email})
    sent = len(mail.outbox)
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 429
    assert len(mail.outbox) == sent


# --- Shared across processes, and closed when the cache is away -----------------------------------


@pytest.mark.skipif(not os.environ.get("CACHE_URL", "").startswith("redis"), reason="needs CACHE_URL=redis://…")
def test_the_count_lives_in_the_shared_cache(client, member, group, settings):
    """Another process sees the same count: it is in Redis, not in this process's memory."""
    import redis

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": [("user", "1/h")]}
    client.force_login(member)
    assert report(client, group).status_code == 302
    other_process = redis.Redis.from_url(os.environ.get("RATELIMIT_CACHE_URL") or os.environ["CACHE_URL"])
    assert other_process.keys("dbtsh:*rl:*"), "no rate-limit counter in Redis"
    caches.close_all()  # a fresh connection, as another worker would have
    assert report(client, group).status_code == 429


def test_with_the_cache_unreachable_sign_up_is_refused_and_nothing_saved(client, db, redis_down):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 429
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_with_the_cache_unreachable_join_requests_are_refused_and_nothing_saved(client, member, group, redis_down):
    client.force_login(member)
    response = join(client, group)
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_with_the_cache_unreachable_reports_testimonials_and_contact_are_refused(client, member, group, redis_down):
    client.force_login(member)
    assert report(client, group).status_code == 429
    assert send_testimonial(client).status_code == 429
    assert client.post(reverse("contact"), CONTACT).status_code == 429
    assert not (Report.objects.exists() or Testimonial.objects.exists() or ContactMessage.objects.exists())


def test_with_the_cache_unreachable_log_in_and_password_reset_are_refused(client, member, redis_down):
    from django.core import mail

    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 429
    assert WAIT in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 429
    assert not mail.outbox


def test_with_the_cache_unreachable_reading_still_works(client, member, group, redis_down):
    client.force_login(member)
    for url in (reverse("group_join", args=[group.slug]), reverse("contact"), reverse("testimonial_create")):
        assert client.get(url).status_code == 200, url
