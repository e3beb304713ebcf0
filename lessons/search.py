"""Search across lessons and skills, ranked the same way on both databases.

- PostgreSQL: full-text search with weights (title A, summary B, body C; for skills name, expansion,
  summary), ranked by ts_rank.
- SQLite (the embedded default): FTS5 indexes kept by triggers (migration 0006), ranked by bm25 with
  the same weights (10, 4, 2).

Either database's rank orders results inside three tiers: every word in the title, every word in the
summary, the rest. So "dear man" puts the DEAR MAN lesson first on both.

Before the results: the words people use for what a skill is for (content/search_words.json: "panic"
leads to TIPP and the crisis page), and for words of crisis ("suicide", "overdose") the crisis lines first.
"""

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch

from dbtselfhelp.pages import get_page

from . import crisis
from .content_files import CONTENT_DIR
from .models import Lesson, Skill
from .translations import language_base

MAX_QUERY = 100
MAX_RESULTS = 30
MAX_WORDS = 8
WEIGHTS = {"title": 10.0, "summary": 4.0, "body": 2.0}  # bm25's; ts_rank's defaults are 1.0, 0.4, 0.2, 0.1


def clean_query(raw):
    """The words of a query, or "" when nothing searchable is left."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", raw or "")[: MAX_QUERY * 2]
    words = re.findall(r"\w[\w'’-]*", text)
    return " ".join(words)[:MAX_QUERY]


@dataclass
class Need:
    """What the words people used are for, and what helps: 'panic' -> TIPP, STOP, the crisis page."""

    need: str
    words: str  # the words of the query that named it
    skills: list = field(default_factory=list)
    pages: list = field(default_factory=list)  # (slug, title)


@dataclass
class Results:
    query: str
    lessons: list
    skills: list
    needs: list = field(default_factory=list)
    crisis: bool = False


def search(query, *, raw=""):
    """Results for a cleaned query (and the raw text, for crisis words): lessons and skills best first."""
    lessons, skills = _ranked(query)
    return Results(
        query=query, lessons=lessons, skills=skills, needs=needs_for(query), crisis=crisis.is_crisis(raw or query)
    )


# The words people use.


@cache
def word_list():
    """content/search_words.json, read once: [(need, [(plain phrase, as written)], [skill slugs], [page slugs])]."""
    data = json.loads((CONTENT_DIR / "search_words.json").read_text(encoding="utf-8"))
    return [
        (item["need"], [(_plain(w), w) for w in item["words"]], item["skills"], item.get("pages", []))
        for item in data["needs"]
    ]


def _plain(text):
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", "")))


def needs_for(query):
    """The needs the query names, each with its skills (one query for all of them) and pages."""
    plain = f" {_plain(query)} "
    found = []
    for need, phrases, skill_slugs, page_slugs in word_list():
        named = next((written for phrase, written in phrases if f" {phrase} " in plain), None)
        if named:
            found.append((need, named, skill_slugs, page_slugs))
    if not found:
        return []
    wanted = {slug for _need, _named, slugs, _pages in found for slug in slugs}
    lessons = Prefetch(
        "lessons", queryset=Lesson.objects.published().order_by("order", "title"), to_attr="published_lessons"
    )
    by_slug = {
        s.slug: s for s in Skill.objects.filter(slug__in=wanted).select_related("module").prefetch_related(lessons)
    }
    needs = []
    for need, named, skill_slugs, page_slugs in found:
        pages = [(slug, page.title) for slug in page_slugs if (page := get_page(slug, language_base()))]
        needs.append(
            Need(need=need, words=named, skills=[by_slug[s] for s in skill_slugs if s in by_slug], pages=pages)
        )
    return needs


# Ranking.


def _ranked(query):
    words = query.split()[:MAX_WORDS]
    if not words:
        return [], []
    if language_base() != settings.LANGUAGE_CODE:
        lessons = Lesson.objects.published().select_related("module")
        return _search_translated(" ".join(words), lessons, Skill.objects.select_related("module"))
    if connection.vendor == "postgresql":
        lessons, skills = _postgresql(" ".join(words))
    elif connection.vendor == "sqlite" and _has_fts5():
        lessons, skills = _sqlite(words)
    else:
        lessons, skills = _plain_match(words)
    return (_tiered(lessons, words, ("title", "summary")), _tiered(skills, words, ("name", "expansion")))


def _tiered(items, words, fields):
    """Stable sort by tier: every word in the first field, then in the second, then the rest."""
    stems = [word.lower()[:5] for word in words]

    def tier(item):
        for n, name in enumerate(fields):
            text = (getattr(item, name) or "").lower()
            if all(stem in text for stem in stems):
                return n
        return len(fields)

    return sorted(items, key=tier)


def _postgresql(text):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    terms = SearchQuery(text, search_type="websearch", config="english")
    lesson_vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    skill_vector = (
        SearchVector("name", weight="A", config="english")
        + SearchVector("expansion", weight="B", config="english")
        + SearchVector("summary", weight="C", config="english")
    )
    lessons = (
        Lesson.objects.published()
        .select_related("module")
        .annotate(rank=SearchRank(lesson_vector, terms))
        .filter(rank__gt=0)
        .order_by("-rank", "order", "pk")
    )
    skills = (
        Skill.objects.select_related("module")
        .annotate(rank=SearchRank(skill_vector, terms))
        .filter(rank__gt=0)
        .order_by("-rank", "order", "pk")
    )
    return list(lessons[:MAX_RESULTS]), list(skills[:MAX_RESULTS])


_fts5 = {}


def _has_fts5():
    """Whether this SQLite database has the lessons' FTS5 index (migration 0006)."""
    key = connection.settings_dict["NAME"]
    if key not in _fts5:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'lessons_lesson_fts'")
            _fts5[key] = cursor.fetchone()[0] == 1
    return _fts5[key]


def _sqlite(words):
    match = " ".join('"' + word.replace('"', "") + '"' for word in words)  # each word a phrase: no FTS syntax
    weights = ", ".join(str(w) for w in WEIGHTS.values())
    return (
        _fts_rows(Lesson.objects.published().select_related("module"), "lessons_lesson_fts", match, weights),
        _fts_rows(Skill.objects.select_related("module"), "lessons_skill_fts", match, weights),
    )


def _fts_rows(queryset, index, match, weights):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {index} WHERE {index} MATCH %s ORDER BY bm25({index}, {weights}) LIMIT %s",
            [match, MAX_RESULTS * 3],
        )
        ids = [row[0] for row in cursor.fetchall()]
    by_id = queryset.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id][:MAX_RESULTS]


def _plain_match(words):
    """Any other database: every word somewhere, in the lessons' own order."""
    from django.db.models import Q

    lessons = Lesson.objects.published().select_related("module")
    skills = Skill.objects.select_related("module")
    for word in words:
        lessons = lessons.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
        skills = skills.filter(Q(name__icontains=word) | Q(expansion__icontains=word) | Q(summary__icontains=word))
    return list(lessons[:MAX_RESULTS]), list(skills[:MAX_RESULTS])


def _folded(text):
    """Lower case without accents, so "linea" finds "línea" and "lÍnea" finds "linea"."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _search_translated(query, lessons, skills):
    """In a language other than English, the words are looked for in what the reader sees: each
    lesson's and skill's text in that language (the English where it has none). A few dozen rows,
    so they are matched here rather than in SQL; title and name matches first."""
    words = [_folded(word) for word in query.split()[:8]]

    def score(fields):
        texts = [_folded(text) for text in fields]
        if not all(any(word in text for text in texts) for word in words):
            return 0
        return 1 + sum(word in texts[0] for word in words)

    def ranked(rows, fields):
        scored = [(score(fields(row)), row) for row in rows]
        return [row for points, row in sorted(scored, key=lambda pair: -pair[0]) if points][:30]

    found_lessons = ranked(lessons, lambda lesson: (lesson.title, lesson.summary, lesson.body))
    found_skills = ranked(skills, lambda skill: (skill.name, skill.expansion, skill.summary, " ".join(skill.steps)))
    return found_lessons, found_skills
