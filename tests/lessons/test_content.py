"""The shipped lessons, information pages and glossary: they parse, render, link to the crisis
resources, keep their safety wording, and the connecting lessons are linked both ways."""

import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from lessons.models import Lesson, Skill, SkillModule
from tests.conftest import make_group

CONTENT = Path(__file__).resolve().parents[2] / "lessons" / "content"
LESSON_FILES = sorted((CONTENT / "lessons").glob("*.md"))
PAGE_FILES = sorted((CONTENT / "pages").glob("*.md"))
MODULES = {"mindfulness", "distress-tolerance", "emotion-regulation", "interpersonal-effectiveness"}
SECTIONS = ["## What th", "## How to practice it this week", "## A worked example", "## Practicing together"]
PAGES = [
    "about",
    "privacy",
    "terms",
    "crisis",
    "what-is-dbt",
    "skills-defined",
    "instant-mindfulness",
    "everyday-dbt",
    "links",
]
CONNECTING = {
    "building-relationships": "interpersonal-effectiveness",
    "ending-a-harmful-relationship": "interpersonal-effectiveness",
    "walking-the-middle-path": "interpersonal-effectiveness",
    "changing-behavior-with-reinforcement": "interpersonal-effectiveness",
    "how-strongly-to-ask": "interpersonal-effectiveness",
    "chain-analysis": "emotion-regulation",
}
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CRISIS_LINK = 'href="/crisis/'


def header_and_body(path):
    header, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
    assert sep, f"{path.name} has no '---' line after its header"
    meta = dict(line.split(":", 1) for line in header.splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in meta.items()}, body


def glossary():
    return json.loads((CONTENT / "skills.json").read_text(encoding="utf-8"))


def lesson_text(client, slug):
    """What the lesson itself says: its body, without the site's header, aside and footer."""
    response = client.get(reverse("lesson_detail", args=[slug]))
    assert response.status_code == 200, slug
    return response.content.decode().split('<div class="prose lesson__body">', 1)[1].split("<aside", 1)[0]


def page_text(client, slug):
    response = client.get(f"/{slug}/")
    assert response.status_code == 200, slug
    return response.content.decode().split('<article class="wrap prose">', 1)[1].split("</article>", 1)[0]


# --- The files parse ------------------------------------------------------------------------


def test_the_glossary_parses_with_every_field_a_skill_needs():
    skills = glossary()
    assert len(skills) == 38
    slugs = [s["slug"] for s in skills]
    assert len(set(slugs)) == len(slugs)
    for skill in skills:
        assert re.fullmatch(r"[a-z0-9-]+", skill["slug"]), skill
        assert skill["module"] in MODULES, skill["slug"]
        assert 0 < len(skill["name"]) <= 80, skill["slug"]
        assert len(skill.get("expansion", "")) <= 300, skill["slug"]
        assert len(skill["summary"].split()) >= 40, skill["slug"]
        assert skill["steps"] and all(isinstance(step, str) and step.strip() for step in skill["steps"]), skill["slug"]


def test_every_lesson_file_parses_and_has_the_four_sections_in_order():
    assert len(LESSON_FILES) == 22
    skill_slugs = {s["slug"] for s in glossary()}
    for path in LESSON_FILES:
        meta, body = header_and_body(path)
        assert meta["title"] and meta["module"] in MODULES, path.name
        assert 0 < len(meta["summary"]) <= 300, path.name
        taught = [s.strip() for s in meta["skills"].split(",")]
        assert taught and set(taught) <= skill_slugs, path.name
        positions = [body.find(heading) for heading in SECTIONS]
        assert -1 not in positions and positions == sorted(positions), path.name
        assert 400 <= len(body.split()) <= 1100, path.name


def test_every_page_file_is_served_with_its_title(client, db):
    assert [p.stem for p in PAGE_FILES] == sorted(PAGES)
    for path in PAGE_FILES:
        meta, _body = header_and_body(path)
        body = client.get(f"/{path.stem}/").content.decode()
        assert f"<h1>{meta['title']}</h1>" in body, path.stem


def test_every_lesson_file_is_loaded_published_with_its_skills(db):
    for path in LESSON_FILES:
        meta, _body = header_and_body(path)
        lesson = Lesson.objects.published().get(slug=path.stem)
        assert (lesson.title, lesson.module.slug) == (meta["title"], meta["module"])
        assert sorted(lesson.skills.values_list("slug", flat=True)) == sorted(
            s.strip() for s in meta["skills"].split(",")
        )
    assert Skill.objects.count() == 38


# --- Crisis resources -------------------------------------------------------------------------


def test_every_lesson_links_to_the_crisis_resources_in_its_own_text(client, db):
    for path in LESSON_FILES:
        assert CRISIS_LINK in lesson_text(client, path.stem), path.stem


def test_every_information_page_links_to_the_crisis_resources_in_its_own_text(client, db):
    for slug in PAGES:
        if slug != "crisis":
            assert CRISIS_LINK in page_text(client, slug), slug


def test_the_crisis_page_lists_lines_for_every_country_the_site_serves(client, db):
    text = page_text(client, "crisis")
    for line in ("988", "9-8-8", "116 123", "13 11 14", "999", "112", "000"):
        assert line in text, line
    assert 'id="domestic-abuse"' in text
    for helpline in ("1-800-799-7233", "0808 2000 247", "1800 341 900", "1800 737 732"):
        assert helpline in text, helpline


def test_no_lesson_sends_readers_to_988_alone_or_assumes_they_have_a_clinician():
    for path in LESSON_FILES:
        _meta, body = header_and_body(path)
        assert "988" not in body, path.name
        assert "not instead of, professional" not in body, path.name
        for sentence in re.split(r"(?<=[.!?])\s+", body):
            if re.search(r"\byour (doctor|therapist|GP|psychiatrist)\b", sentence, re.I):
                assert re.search(r"if you have|if you don't", sentence, re.I), f"{path.name}: {sentence}"


# --- Safety wording ---------------------------------------------------------------------------


def test_tipp_gives_its_cautions_in_the_lesson_and_the_glossary(client, db):
    lesson = unescape(lesson_text(client, "tipp-for-intense-moments"))
    entry = next(s for s in glossary() if s["slug"] == "tipp")
    entry_text = entry["summary"] + " ".join(entry["steps"])
    for words in ("heart condition", "beta-blocker", "fainting", "breathing condition", "eating disorder"):
        assert words in lesson and words in entry_text, words
    assert "not ice water" in lesson and "not icy" in entry_text
    assert "30 seconds" in lesson and "30 seconds" in entry_text
    assert "wrapped in a cloth" in lesson and "wrapped in a cloth" in entry_text
    assert "only if none of the cautions apply" in lesson.lower()
    assert "dizzy" in lesson and "dizzy" in entry_text


def test_please_says_what_to_avoid_and_never_to_change_medication_alone(client, db):
    lesson = unescape(lesson_text(client, "abc-please"))
    steps = " ".join(next(s for s in glossary() if s["slug"] == "please")["steps"])
    for text in (lesson, steps):
        assert "prescribed" in text and "alcohol" in text
        assert "eating disorder" in text
    assert "drink heavily every day" in lesson
    assert "heavy daily drinking" in steps
    assert "without talking to the person who prescribed it" in lesson
    assert "Never stop or change it without the person who prescribed it" in steps
    assert steps.index("prescribed medication") < steps.index("Eating:")


def test_accepts_sensations_are_never_harmful_and_comparisons_have_a_stop(client, db):
    steps = next(s for s in glossary() if s["slug"] == "accepts")["steps"]
    assert "never painful or harmful" in steps[6] and "scalding" in steps[6]
    assert "ice cube" not in " ".join(steps)
    assert "shouldn't feel this" in steps[2]
    lesson = unescape(lesson_text(client, "distract-and-soothe"))
    assert "never painful or harmful" in lesson and "shouldn't feel this" in lesson
    assert "body scan" in lesson


def test_opposite_action_sends_trauma_linked_fear_to_a_therapist(client, db):
    assert "tied to trauma" in lesson_text(client, "opposite-action-and-problem-solving")
    assert "trauma" in next(s for s in glossary() if s["slug"] == "opposite-action")["summary"]


def test_the_self_harm_passage_gives_the_next_minutes_and_whom_to_contact(client, db):
    text = lesson_text(client, "stop-and-pros-and-cons")
    passage = text.split("If the urge is to hurt yourself", 1)[1].split("<h2", 1)[0]
    assert "Stop" in passage and 'href="/lessons/tipp-for-intense-moments/"' in passage
    assert CRISIS_LINK in passage and "emergency number" in passage


def test_the_corrected_examples_say_what_the_manual_says(client, db):
    dear_man = unescape(lesson_text(client, "asking-with-dear-man"))
    reinforce = dear_man.split("<strong>Reinforce:</strong>", 1)[1].split("</li>", 1)[0]
    assert "you won't have me asking" in reinforce and "instead" not in reinforce
    fast = unescape(lesson_text(client, "keeping-self-respect-with-fast"))
    assert "I don't know where you are" not in fast and "I'll tell her the truth" in fast
    give = lesson_text(client, "give-and-validation")
    assert "six levels" in give and "The sixth is being genuine" in give
    validation = next(s for s in glossary() if s["slug"] == "validation")["steps"]
    assert len(validation) == 6 and validation[5].startswith("Be genuine")


# --- Links ------------------------------------------------------------------------------------


def test_every_link_inside_the_content_leads_somewhere(client, db):
    texts = [lesson_text(client, p.stem) for p in LESSON_FILES] + [page_text(client, slug) for slug in PAGES]
    targets = {href for text in texts for href in re.findall(r'href="(/[^"]*)"', text)}
    assert len(targets) > 25
    for href in sorted(targets):
        path, _, fragment = href.partition("#")
        response = client.get(path)
        assert response.status_code == 200, href
        if fragment:
            assert f'id="{fragment}"' in response.content.decode(), href


@pytest.mark.parametrize("slug,module", CONNECTING.items())
def test_a_connecting_lesson_is_linked_both_ways(client, db, facilitator, slug, module, django_assert_max_num_queries):
    lesson = Lesson.objects.get(slug=slug)
    assert lesson.module.slug == module
    link = f'href="/lessons/{slug}/"'
    # Its module and the glossary link to it...
    assert link in client.get(reverse("lesson_module", args=[module])).content.decode()
    with django_assert_max_num_queries(5):
        assert link in client.get(reverse("skill_list")).content.decode()
    for skill in lesson.skills.all():
        assert link in client.get(skill.get_absolute_url()).content.decode(), skill.slug
    # ...a group practising that module links to the module...
    group = make_group(facilitator, module=SkillModule.objects.get(slug=module))
    assert f'href="/lessons/{module}/"' in client.get(group.get_absolute_url()).content.decode()
    # ...and the lesson links back to its module, its skills and the groups.
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="/lessons/{module}/"' in body
    assert f"?module={module}" in body
    for skill in lesson.skills.all():
        assert f'href="/skills/#{skill.slug}"' in body
    # Everyday DBT draws on it.
    assert link in page_text(client, "everyday-dbt")


def test_everyday_dbt_is_built_from_every_lesson_and_linked_from_the_index(client, db):
    text = page_text(client, "everyday-dbt")
    for section in ("At work", "At home", "With family"):
        assert f">{section}</h2>" in text
    for path in LESSON_FILES:
        assert f'href="/lessons/{path.stem}/"' in text, path.stem
    assert 'href="/everyday-dbt/"' in client.get(reverse("lesson_index")).content.decode()


def test_the_connecting_lessons_are_in_the_feed_the_sitemap_and_search(client, db):
    feed = ET.fromstring(client.get(reverse("lesson_feed")).content)
    links = {e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")}
    index = ET.fromstring(client.get(reverse("sitemap")).content)
    urls = set()
    for loc in index.iter(f"{SITEMAP}loc"):
        section = ET.fromstring(client.get(loc.text.split("testserver", 1)[1]).content)
        urls |= {u.text for u in section.iter(f"{SITEMAP}loc")}
    assert "http://testserver/everyday-dbt/" in urls
    searches = {
        "building-relationships": "friendships",
        "ending-a-harmful-relationship": "destructive",
        "walking-the-middle-path": "invalidation",
        "changing-behavior-with-reinforcement": "extinction",
        "how-strongly-to-ask": "firmly",
        "chain-analysis": "missing-links",
    }
    for slug, word in searches.items():
        url = f"http://testserver/lessons/{slug}/"
        assert url in links and url in urls, slug
        results = client.get(reverse("lesson_index"), {"q": word}).content.decode()
        assert f'href="/lessons/{slug}/"' in results, (slug, word)
