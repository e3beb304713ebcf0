"""The facilitator's toolkit text and its skills rotation: the pages parse, link to the crisis
resources and list no crisis numbers of their own; every rotation week names a module, skill and
lesson that exist and teach each other, and the weeks follow DBT's cycle. No database."""

import importlib
import itertools
import json
import re
from pathlib import Path

from django.urls import Resolver404, resolve

from dbtselfhelp.markdown import render_markdown
from lessons.content_files import parse_content_file

CONTENT = Path(__file__).resolve().parents[2] / "lessons" / "content"
TOOLKIT = CONTENT / "toolkit"
TOOLKIT_PAGES = {"starting-a-group", "meeting-format", "group-agreements", "crisis-during-a-meeting", "skills-rotation"}
MIGRATION = importlib.import_module("lessons.migrations.0002_the_four_modules")
MODULE_NAMES = {slug: name for slug, name, _summary in MIGRATION.MODULES}
MINDFULNESS_PAIR_SECOND_WEEK = {"what-skills", "how-skills"}
TABLE_ROW = re.compile(r"^\| (\d+) \| ([^|]+?) \| ([^|]+?) \| \[[^\]]+\]\(/lessons/([a-z0-9-]+)/\) \|$", re.M)


def toolkit_pages():
    return {path.stem: parse_content_file(path) for path in sorted(TOOLKIT.glob("*.md"))}


def rotation():
    return json.loads((CONTENT / "rotation.json").read_text(encoding="utf-8"))


def glossary():
    return {skill["slug"]: skill for skill in json.loads((CONTENT / "skills.json").read_text(encoding="utf-8"))}


def lesson(slug):
    path = CONTENT / "lessons" / f"{slug}.md"
    return parse_content_file(path) if path.is_file() else None


def taught(lesson_file):
    return {s.strip() for s in lesson_file.meta["skills"].split(",")}


def crisis_page_numbers():
    """Every phone number on the crisis resources page except 988: the emergency numbers in its
    first line and the helplines in bold."""
    text = (CONTENT / "pages" / "crisis.md").read_text(encoding="utf-8")
    text = re.sub(r"\[([^\]]+)\]\((?:tel|sms):[^)]*\)", r"\1", text)  # tap-to-call links read as their numbers
    numbers = set(re.findall(r"\*\*([0-9][0-9 -]*[0-9])\*\*", text))
    numbers |= set(re.findall(r"\b([0-9]{3}) in (?:the|Ireland|Australia)\b", text))
    return numbers - {"988"}


# --- The pages ----------------------------------------------------------------------------------


def test_the_toolkit_has_its_five_pages_each_with_a_title_and_a_summary():
    pages = toolkit_pages()
    assert set(pages) == TOOLKIT_PAGES
    for slug, page in pages.items():
        assert page.meta.get("title"), slug
        assert 0 < len(page.summary) <= 300, slug
        assert page.body and not page.body.startswith("title:"), slug


def test_every_toolkit_page_is_between_400_and_900_words():
    for slug, page in toolkit_pages().items():
        assert 400 <= len(page.body.split()) <= 900, (slug, len(page.body.split()))


def test_every_toolkit_page_links_to_the_crisis_resources_in_its_own_text():
    for slug, page in toolkit_pages().items():
        assert 'href="/crisis/"' in render_markdown(page.body), slug


def test_no_toolkit_page_lists_a_crisis_number_beyond_988_in_the_us():
    numbers = crisis_page_numbers()
    assert {"911", "999", "112", "000", "741741", "116 123", "13 11 14", "9-8-8"} <= numbers
    for slug, page in toolkit_pages().items():
        for number in numbers:
            assert not re.search(rf"(?<![0-9:]){re.escape(number)}(?![0-9])", page.body), (slug, number)
        for mention in re.finditer(r"988", page.body):
            assert page.body.startswith("988 in the US", mention.start()), slug


def test_every_link_in_the_toolkit_goes_to_a_page_of_the_site_that_exists():
    for slug, page in toolkit_pages().items():
        links = re.findall(r"\]\((/[^)\s]*)\)", page.body)
        assert links, slug
        for link in links:
            try:
                resolve(link)
            except Resolver404:
                raise AssertionError(f"{slug} links to {link}, which is not a page of the site") from None
            lesson_slug = re.fullmatch(r"/lessons/([a-z0-9-]+)/", link)
            if lesson_slug:
                assert lesson(lesson_slug[1]), f"{slug} links to a lesson that does not exist: {link}"


def test_the_crisis_page_of_the_toolkit_gives_each_facilitator_a_role_and_asks_online_members_where_they_are():
    body = toolkit_pages()["crisis-during-a-meeting"].body
    for words in (
        "One facilitator stays with the person",
        "The other facilitator stays with the group",
        "Ask for locations at the start of every meeting",
        "If someone leaves the call in distress",
        "Call your local emergency number",
    ):
        assert words in body, words


# --- The rotation -------------------------------------------------------------------------------


def test_the_rotation_weeks_are_numbered_from_one_without_gaps():
    weeks = rotation()
    assert 20 <= len(weeks) <= 28
    assert [week["week"] for week in weeks] == list(range(1, len(weeks) + 1))
    for week in weeks:
        assert set(week) == {"week", "module", "skill", "lesson"}, week


def test_every_rotation_week_names_a_module_skill_and_lesson_that_exist_in_that_module():
    skills = glossary()
    for week in rotation():
        n = week["week"]
        assert week["module"] in MODULE_NAMES, n
        assert week["skill"] in skills, n
        assert skills[week["skill"]]["module"] == week["module"], n
        lesson_file = lesson(week["lesson"])
        assert lesson_file is not None, n
        assert lesson_file.meta["module"] == week["module"], n


def test_every_rotation_weeks_lesson_teaches_that_weeks_skill():
    for week in rotation():
        assert week["skill"] in taught(lesson(week["lesson"])), week


def test_each_of_the_other_three_modules_comes_once_after_two_weeks_of_mindfulness():
    blocks = [(module, list(weeks)) for module, weeks in itertools.groupby(rotation(), key=lambda w: w["module"])]
    others = [module for module in MODULE_NAMES if module != "mindfulness"]
    assert sorted(module for module, _weeks in blocks if module != "mindfulness") == sorted(others)
    for i, (module, weeks) in enumerate(blocks):
        if module == "mindfulness":
            continue
        assert i > 0, f"{module} opens the rotation with no mindfulness before it"
        before_module, before = blocks[i - 1]
        assert before_module == "mindfulness" and len(before) == 2, module
        assert before[0]["skill"] == "wise-mind", module
        assert before[1]["skill"] in MINDFULNESS_PAIR_SECOND_WEEK, module
        assert 4 <= len(weeks) <= 8, module


def test_the_rotation_page_lists_every_week_with_its_module_skill_and_lesson():
    rows = TABLE_ROW.findall(toolkit_pages()["skills-rotation"].body)
    weeks = rotation()
    skills = glossary()
    assert [(int(n), lesson_slug) for n, _module, _skill, lesson_slug in rows] == [
        (w["week"], w["lesson"]) for w in weeks
    ]
    for (_n, module_name, skill_name, _lesson), week in zip(rows, weeks, strict=True):
        assert module_name == MODULE_NAMES[week["module"]], week
        assert skills[week["skill"]]["name"].lower().startswith(skill_name.lower()), week
