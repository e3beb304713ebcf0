"""On a database with neither PostgreSQL's full-text search nor SQLite's FTS5 index, the lessons
search still finds every lesson holding all the words, title matches first."""

import re
from html import unescape

import pytest
from django.urls import reverse

from lessons import search


@pytest.fixture
def no_index(monkeypatch, db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the fallback is reached from SQLite without its FTS5 index")
    monkeypatch.setattr(search, "_has_fts5", lambda: False)


def titles(client, q):
    response = client.get(reverse("lesson_index"), {"q": q})
    assert response.status_code == 200
    body = response.content.decode()
    listing = re.search(r'<h2>\d+ lessons?</h2>\s*(?:<ol class="search-results">(.*?)</ol>)?', body, re.S)
    return [unescape(t) for t in re.findall(r'<li><a href="/lessons/[^"]+/">([^<]+)</a>', listing[1] or "")]


def test_every_word_must_be_there(client, no_index):
    found = titles(client, "dear man")
    assert found[0] == "Asking for what you need with DEAR MAN"
    assert titles(client, "dear man zzyzxq") == []


def test_a_title_match_comes_first(client, no_index):
    assert titles(client, "wise mind")[0] == "Finding Wise Mind"
