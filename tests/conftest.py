"""Standing personas and factories, in the manner of healthchecks' alice, bob and charlie."""

import os
import time
from datetime import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.utils import translation

from accounts.models import MODERATORS_GROUP, User

PASSWORD = "correct-horse-battery-staple"


def pytest_configure(config):
    """TEST_CLOCK=2031-03-09T12:00:00Z runs the whole session with the clock moved there (and
    ticking), so code or a test that reads the real date instead of the `now` it is given fails
    at once rather than on some later day. `make test-future` and CI use it."""
    moved = os.environ.get("TEST_CLOCK")
    if moved:
        import time_machine

        config._moved_clock = time_machine.travel(datetime.fromisoformat(moved), tick=True)
        config._moved_clock.start()
    _compile_catalogues()


def _compile_catalogues():
    """The .mo files the tests read, built from the committed .po files when they are missing or older
    (as `make compile-messages` does), so running pytest alone tests the current translations."""
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("msgfmt") is None:
        return
    for po in (Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


def pytest_report_header(config):
    return f"clock moved to {os.environ['TEST_CLOCK']}" if os.environ.get("TEST_CLOCK") else None


def pytest_collection_modifyitems(config, items):
    """Browser tests last: they flush the database, so everything else runs first. Before them, the
    check that each authorization test requested the views it is named for (it reads what the
    tests before it requested)."""

    def order(item):
        return ("/e2e/" in str(item.path).replace("\\", "/"), item.name == "test_each_named_test_requests_its_views")

    items.sort(key=order)


# "tests.groups.test_authorization::test_pages" -> {(url name, slug or None)} that the test's
# client requests resolved to, over every run of it in this session.
VIEWS_REQUESTED: dict[str, set[tuple[str, str | None]]] = {}


@pytest.fixture(autouse=True)
def _record_views_requested(request, monkeypatch):
    """Note which views each test's client reaches, for tests/test_authorization_coverage.py."""
    from django.test import client as test_client
    from django.urls import Resolver404

    if request.node.module is None:
        return
    seen = VIEWS_REQUESTED.setdefault(f"{request.node.module.__name__}::{request.node.originalname}", set())
    original = test_client.Client.request

    def request_and_record(self, **environ):
        response = original(self, **environ)
        try:
            match = response.resolver_match
            seen.add((match.url_name, match.kwargs.get("slug")))
        except (Resolver404, AttributeError):
            pass
        return response

    monkeypatch.setattr(test_client.Client, "request", request_and_record)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    from groups.geocoding import forget_offline_answers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    forget_offline_answers()
    # A request under /es/ leaves Spanish active in the thread: each test starts in English.
    translation.activate(settings.LANGUAGE_CODE)
    for store in caches.all(initialized_only=False):
        store.clear()
    yield
    for store in caches.all(initialized_only=True):
        store.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _commits_run_their_callbacks(request, monkeypatch):
    """A test's transaction is rolled back, never committed, so on_commit callbacks (the first
    attempt at each e-mail) would never run: run them at once, as a commit would. Tests marked
    django_db(transaction=True) commit for real and keep Django's own behaviour."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def make_user(email, display_name, *, verified=True, moderator=False, authenticator=None, **extra):
    """A member; a moderator too if asked. Moderators and staff get an active authenticator app
    (as the console and the admin require) unless authenticator=False; anyone else gets one
    with authenticator=True. totp_code(user) gives its current code."""
    user = User.objects.create_user(email=email, password=PASSWORD, display_name=display_name, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if moderator:
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        group.permissions.add(Permission.objects.get(codename="moderate", content_type__app_label="accounts"))
        user.groups.add(group)
    if authenticator is None:
        authenticator = bool(moderator or extra.get("is_staff") or extra.get("is_superuser"))
    if authenticator:
        TOTP.activate(user, generate_totp_secret())
        RecoveryCodes.activate(user)
    return user


def totp_code(user_or_secret):
    """The code an authenticator app shows now, for a user's app or for a secret. Waits for the
    next 30-second step when this one is about to end, so the code is still valid when a test
    (or a browser) sends it."""
    secret = user_or_secret
    if isinstance(user_or_secret, User):
        authenticator = Authenticator.objects.get(user=user_or_secret, type=Authenticator.Type.TOTP)
        secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def recovery_codes(user):
    """The user's unused recovery codes."""
    return Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()


@pytest.fixture
def member(db):
    return make_user("alice@example.org", "Alice")


@pytest.fixture
def unverified(db):
    return make_user("una@example.org", "Una", verified=False)


@pytest.fixture
def facilitator(db):
    return make_user("fran@example.org", "Fran")


@pytest.fixture
def other_facilitator(db):
    return make_user("otto@example.org", "Otto")


@pytest.fixture
def moderator(db):
    return make_user("mo@example.org", "Mo", moderator=True)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def make_group(facilitator=None, *, meetings=None, **overrides):
    """A published, public, in-person group in Manhattan meeting Tuesdays 7-8:30 pm, unless told otherwise."""
    from datetime import time

    from django.utils import timezone

    from groups.models import GroupFacilitator, MeetingTime, PeerGroup

    fields = {
        "name": "Harlem Skills Circle",
        "description": "We practise one skill a week.\n\nNewcomers who have finished a DBT program are welcome.",
        "status": PeerGroup.Status.PUBLISHED,
        "format": PeerGroup.Format.IN_PERSON,
        "contact_name": "Fran",
        "venue": "Riverside Library, Room 2",
        "address": "127 West 125th Street",
        "town": "New York",
        "region": "NY",
        "postal_code": "10027",
        "country": "US",
        "latitude": 40.8116,
        "longitude": -73.955,
        "time_zone": "America/New_York",
        "last_confirmed_at": timezone.now(),
    }
    fields.update(overrides)
    group = PeerGroup.objects.create(**fields)
    for meeting in meetings if meetings is not None else [{"weekday": 1, "start": time(19), "end": time(20, 30)}]:
        MeetingTime.objects.create(group=group, **meeting)
    if facilitator is not None:
        GroupFacilitator.objects.create(group=group, user=facilitator, role=GroupFacilitator.Role.LEAD)
    if group.status == PeerGroup.Status.PUBLISHED:
        group.review_snapshot = group.snapshot()
        group.save(update_fields=["review_snapshot"])
    return group


@pytest.fixture
def group(facilitator):
    return make_group(facilitator)


# A group whose address, venue and meeting link only its members and facilitators may see.
PRIVATE_GROUP = {
    "name": "Quiet Harbour Group",
    "location_privacy": "members",
    "format": "hybrid",
    "venue": "St Brigid's Parish Hall",
    "address": "99 Secret Lane",
    "postal_code": "10027",
    "meeting_url": "https://meet.example.org/quiet-harbour-secret",
}


@pytest.fixture
def private_group(facilitator):
    return make_group(facilitator, **PRIVATE_GROUP)


@pytest.fixture
def redis_down(settings):
    """The cache is Redis at an address where nothing listens, as when Redis has stopped."""
    from django.core.cache import caches

    dead = {
        "BACKEND": "dbtselfhelp.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    settings.CACHES = {"default": dead, "ratelimit": dead}  # Django's setting_changed handler rebuilds them
    yield
    caches.close_all()


@pytest.fixture
def other_group(other_facilitator):
    return make_group(
        other_facilitator,
        name="Brooklyn Wise Mind",
        town="Brooklyn",
        postal_code="11201",
        latitude=40.6943,
        longitude=-73.9918,
    )
