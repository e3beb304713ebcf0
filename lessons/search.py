"""Search across lessons and skills: PostgreSQL full-text search, ranked, when the database is
PostgreSQL; a plain word match on SQLite. The same results page either way."""

import re

from django.db import connection
from django.db.models import Q

from .models import Lesson, Skill

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
