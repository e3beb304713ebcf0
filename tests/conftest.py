"""Standing personas and factories, in the manner of healthchecks' alice, bob and charlie."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.cache import cache

from accounts.models import MODERATORS_GROUP, User

PASSWORD = "correct-horse-battery-staple"


def pytest_collection_modifyitems(config, items):
    """Browser tests last: they flush the database, so everything else runs first."""
    items.sort(key=lambda item: "/e2e/" in str(item.path).replace("\\", "/"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def make_user(email, display_name, *, verified=True, moderator=False, **extra):
    user = User.objects.create_user(email=email, password=PASSWORD, display_name=display_name, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    if moderator:
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        user.groups.add(group)
    return user


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
