"""Lessons search finds the lesson: ranked full-text search (PostgreSQL weights, SQLite FTS5), the words
people use for what a skill is for, and crisis words answered with the crisis lines first.

The suite runs on both databases (CI: PostgreSQL, then SQLite), so each expected order here is checked
on both."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from dbtselfhelp.pages import get_page
from lessons.content_files import CONTENT_DIR
from lessons.models import Lesson, Skill, SkillModule


def results(client, q, **headers):
    response = client.get(reverse("lesson_index"), {"q": q}, **headers)
    assert response.status_code == 200
    return response.content.decode()


def lesson_titles(body):
    """The lessons listed under "N lessons", in order."""
    listing = re.search(r'<h2>\d+ lessons?</h2>\s*(?:<ol class="search-results">(.*?)</ol>)?', body, re.S)
    return [unescape(t) for t in re.findall(r'<li><a href="/lessons/[^"]+/">([^<]+)</a>', listing[1] or "")]


def main(body):
    return body.split('<main id="main"', 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("dear man", "Asking for what you need with DEAR MAN"),
        ("DEAR MAN", "Asking for what you need with DEAR MAN"),
        ("wise mind", "Finding Wise Mind"),
        ("radical acceptance", "Radical Acceptance, turning the mind and willingness"),
        ("validation", "Caring for the relationship with GIVE and validation"),
        ("fast", "Keeping your self-respect with FAST"),
        ("tipp", "TIPP: cooling your body when emotions run high"),
    ],
)
def test_the_lesson_named_by_the_words_comes_first(client, db, q, first):
    titles = lesson_titles(results(client, q))
    assert titles[0] == first, titles


def test_a_title_match_outranks_a_body_match_on_both_databases(client, db):
    module = SkillModule.objects.first()
    now = timezone.now()
    for title, summary, body in [
        ("Notes on many things", "Nothing about it", "Once, in passing, the word kettlebell appears."),
        ("Kettlebell practice", "Short", "Body."),
        ("Something else", "All about the kettlebell", "Body."),
    ]:
        Lesson.objects.create(
            title=title,
            slug=title.lower().replace(" ", "-"),
            module=module,
            summary=summary,
            body=body,
            status="published",
            published_at=now,
        )
    assert lesson_titles(results(client, "kettlebell")) == [
        "Kettlebell practice",
        "Something else",
        "Notes on many things",
    ]


def test_an_edited_lesson_is_found_by_its_new_words_and_not_its_old(client, db):
    lesson = Lesson.objects.published().get(slug="asking-with-dear-man")
    lesson.title = "Asking with the zebrafish method"
    lesson.save()
    assert lesson_titles(results(client, "zebrafish"))[0] == "Asking with the zebrafish method"
    lesson.delete()
    assert lesson_titles(results(client, "zebrafish")) == []


def test_a_word_that_is_in_no_lesson_finds_nothing_and_says_so(client, db):
    assert "0 lessons" in results(client, "xylophone")


@pytest.mark.parametrize(
    ("q", "skills"),
    [
        ("panic", ["TIPP", "STOP"]),
        ("I keep having panic attacks", ["TIPP"]),
        ("anger", ["Opposite Action"]),
        ("boundaries", ["DEAR MAN", "FAST"]),
        ("can't sleep", ["PLEASE"]),
        ("cant sleep", ["PLEASE"]),
    ],
)
def test_the_words_people_use_lead_to_the_skills(client, db, q, skills):
    body = results(client, q)
    need = re.search(r'<section class="search-need".*?</section>', body, re.S)
    assert need, f"no skills offered for {q!r}"
    offered = re.findall(r'<a href="/skills/[^"]+/">([^<]+)</a>', need[0])
    for skill in skills:
        assert skill in offered, (q, offered)


def test_panic_also_leads_to_the_crisis_page(client, db):
    body = results(client, "panic")
    need = re.search(r'<section class="search-need".*?</section>', body, re.S)[0]
    assert f'href="{reverse("page_crisis")}"' in need


def test_every_skill_and_page_in_the_words_list_exists(db):
    data = json.loads((CONTENT_DIR / "search_words.json").read_text(encoding="utf-8"))
    slugs = set(Skill.objects.values_list("slug", flat=True))
    for need in data["needs"]:
        assert need["words"] and need["skills"], need["need"]
        for slug in need["skills"]:
            assert slug in slugs, (need["need"], slug)
        for page in need.get("pages", []):
            assert get_page(page) is not None, (need["need"], page)


@pytest.mark.parametrize(
    "q",
    [
        "suicide",
        "I want to kill myself",
        "self-harm",
        "self harm",
        "overdose",
        "suicidal thoughts",
        "I don't want to live, I want to die",
    ],
)
def test_words_of_crisis_show_the_crisis_lines_first(client, db, q):
    body = main(results(client, q))
    assert '<section class="crisis-first"' in body
    crisis_at = body.index('<section class="crisis-first"')
    assert crisis_at < re.search(r"<h2>\d+ lessons?</h2>", body).start()  # above any lesson
    if "search-need" in body:
        assert crisis_at < body.index('<section class="search-need"')  # above the skills for the words too
    section = body[crisis_at : body.index("</section>", crisis_at)]
    assert 'href="tel:988"' in section and 'href="sms:988"' in section and 'href="tel:116123"' in section
    assert f'href="{reverse("page_crisis")}"' in section


def test_the_crisis_lines_follow_the_browsers_country(client, db):
    body = main(results(client, "suicide", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"))
    section = body[body.index('<section class="crisis-first"') : body.index("</section>")]
    assert 'href="tel:116123"' in section and 'href="tel:999"' in section
    assert "988" not in section


def test_ordinary_words_show_no_crisis_section(client, db):
    assert "crisis-first" not in results(client, "wise mind")
    assert "crisis-first" not in results(client, "cutting vegetables mindfully")
