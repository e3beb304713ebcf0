"""The skills rotation a group can follow: one skill and one lesson a week, from
lessons/content/rotation.json (the toolkit's "The skills rotation" page lists the same weeks).

Read from the shipped files, not the database, so a group page can say which skill is this
week's without a query. Which week a group is on is the group's business (groups/rotation.py)."""

import json
from dataclasses import dataclass
from functools import cache

from django.urls import reverse

from .content_files import CONTENT_DIR, parse_content_file
from .translations import _content, language_base, translation_of


@dataclass(frozen=True)
class RotationWeek:
    number: int
    module: str  # a SkillModule slug
    skill: str  # a Skill slug
    skill_name: str
    lesson: str  # a Lesson slug
    lesson_title: str

    @property
    def lesson_url(self):
        return reverse("lesson_detail", args=[self.lesson])


def weeks():
    """Every week of the rotation, in order, numbered from 1, named in the active language."""
    return _weeks(language_base())


@cache
def _weeks(language):
    skills = {s["slug"]: s["name"] for s in json.loads((CONTENT_DIR / "skills.json").read_text(encoding="utf-8"))}
    skills.update({slug: item["name"] for slug, item in _content(language)["skill"].items() if item.get("name")})
    rows = json.loads((CONTENT_DIR / "rotation.json").read_text(encoding="utf-8"))
    titles = {}
    for row in rows:
        if row["lesson"] not in titles:
            translated = translation_of("lesson", row["lesson"], language)
            titles[row["lesson"]] = (translated or {}).get("title") or parse_content_file(
                CONTENT_DIR / "lessons" / f"{row['lesson']}.md"
            ).title
    return tuple(
        RotationWeek(
            number=row["week"],
            module=row["module"],
            skill=row["skill"],
            skill_name=skills[row["skill"]],
            lesson=row["lesson"],
            lesson_title=titles[row["lesson"]],
        )
        for row in rows
    )


def length():
    return len(weeks())


def week(number):
    """Week `number` (1 to length()), or None for a number outside the rotation."""
    if isinstance(number, int) and 1 <= number <= length():
        return weeks()[number - 1]
    return None
