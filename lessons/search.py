"""Search across lessons and skills: PostgreSQL full-text search, ranked, when the database is
PostgreSQL; a plain word match on SQLite. The same results page either way."""

import re
import unicodedata

from django.conf import settings
from django.db import connection
from django.db.models import Q

from .models import Lesson, Skill
from .translations import language_base

MAX_QUERY = 100


def clean_query(raw):
    """The words of a query, or "" when nothing searchable is left."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", raw or "")[: MAX_QUERY * 2]
    words = re.findall(r"\w[\w'-]*", text)
    return " ".join(words)[:MAX_QUERY]


def search(query):
    """(lessons, skills) matching the query, best first."""
    lessons = Lesson.objects.published().select_related("module")
    skills = Skill.objects.select_related("module")
    if language_base() != settings.LANGUAGE_CODE:
        return _search_translated(query, lessons, skills)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        terms = SearchQuery(query, search_type="websearch", config="english")
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
        lessons = lessons.annotate(rank=SearchRank(lesson_vector, terms)).filter(rank__gt=0).order_by("-rank", "pk")
        skills = skills.annotate(rank=SearchRank(skill_vector, terms)).filter(rank__gt=0).order_by("-rank", "pk")
        return list(lessons[:30]), list(skills[:30])
    for word in query.split()[:8]:
        lessons = lessons.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
        skills = skills.filter(Q(name__icontains=word) | Q(expansion__icontains=word) | Q(summary__icontains=word))
    return list(lessons[:30]), list(skills[:30])


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
