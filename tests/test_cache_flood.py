"""Anonymous visitors cannot fill the cache, and cache pressure cannot turn the rate limits off.

Each search with a new `near` or `q` used to store about three entries for an hour (7 MB for
1,000 searches, with no limit), and the rate limits lived in the same cache and refused everything
when it could not be written: a flood of unique searches could switch off sign-up and joining for
everyone. Now searches keep only bounded entries, and the limits have a store of their own."""

import os
import random

import pytest
from django.core.cache import caches
from django.urls import reverse

from accounts.models import User
from tests.conftest import make_group

SIGNUP = {"display_name": "Riley", "password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"}


def entries(alias="default"):
    """How many entries a cache holds (locmem or Redis)."""
    store = caches[alias]
    if hasattr(store, "_cache") and isinstance(store._cache, dict):
        return len(store._cache)
    client = store._cache.get_client()
    return len(client.keys(f"{store.key_prefix}:*"))


def flood(client, n, seed=13):
    rng = random.Random(seed)
    for i in range(n):
        kind = i % 5
        if kind == 0:
            params = {"near": f"Nowhere{rng.randrange(10**9)}"}
        elif kind == 1:
            params = {"near": "New York, NY" + "," * rng.randrange(1, 30)}
        elif kind == 2:
            params = {"q": f"skills {rng.randrange(10**9)}", "near": "10027"}
        elif kind == 3:
            params = {"lat": f"{rng.uniform(25, 49):.6f}", "lng": f"{rng.uniform(-124, -67):.6f}"}
        else:
            params = {"near": "10027", "radius": f"{rng.uniform(1, 250):.5f}"}
        assert client.get(reverse("group_list"), params).status_code in (200, 400)


def test_a_flood_of_unique_searches_leaves_the_cache_bounded(client, group):
    flood(client, 20)  # what any search stores once: the towns, the filter choices, the plain forms
    settled = entries()
    flood(client, 400, seed=14)
    assert entries() - settled <= 5, entries() - settled


def test_the_rate_limits_are_kept_in_a_store_of_their_own(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    before = entries("ratelimit")
    client.post(reverse("account_signup"), dict(SIGNUP, email="a@example.org"))
    assert entries("ratelimit") > before, "allauth's sign-up counter is not in the rate-limit store"


def shares_one_redis():
    default, limits = os.environ.get("CACHE_URL", ""), os.environ.get("RATELIMIT_CACHE_URL", "")
    return default.startswith("redis") and limits in ("", default)


@pytest.mark.skipif(shares_one_redis(), reason="RATELIMIT_CACHE_URL is not set: the limits share the cache's Redis")
def test_limits_hold_after_the_cache_is_flooded_and_evicted(client, db, settings):
    """The cache under pressure loses entries; the limits keep counting."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    for n in range(2):
        assert client.post(reverse("account_signup"), dict(SIGNUP, email=f"s{n}@example.org")).status_code == 302
    flood(client, 200)
    caches["default"].clear()  # as eviction under memory pressure would, at its worst
    response = client.post(reverse("account_signup"), dict(SIGNUP, email="s9@example.org"))
    assert response.status_code == 429
    assert not User.objects.filter(email="s9@example.org").exists()


def test_with_the_cache_unwritable_sign_up_and_joining_still_work(client, member, settings):
    """The cache full or gone (writes fail) no longer refuses every limited action: the limits
    are written to their own store, and still stop the next one over the limit."""
    from django.core.cache import caches as handler

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "dbtselfhelp.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: every write is dropped
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/h/ip"}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join": [("user", "1/h")]}
    try:
        assert client.post(reverse("account_signup"), dict(SIGNUP, email="new@example.org")).status_code == 302
        assert client.post(reverse("account_signup"), dict(SIGNUP, email="two@example.org")).status_code == 429
        client.force_login(member)
        first, second = make_group(name="First Group"), make_group(name="Second Group")
        assert client.post(reverse("group_join", args=[first.slug]), {"message": ""}).status_code == 302
        assert client.post(reverse("group_join", args=[second.slug]), {"message": ""}).status_code == 429
    finally:
        handler.close_all()
