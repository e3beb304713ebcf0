"""/es/ pages serve the Spanish content files: lessons, the glossary, module names, information pages;
a lesson without a translation shows in English with a one-line note in Spanish. Searching works the
way a Spanish speaker types; dates and numbers are in Spanish forms; groups meeting in Spanish are
marked for a Spanish reader."""

import json
from datetime import UTC, datetime, time

import pytest
from django.conf import settings

from lessons.models import Lesson, Skill, SkillModule
from tests.conftest import make_group

ES = settings.BASE_DIR / "lessons" / "content" / "es"
pytestmark = pytest.mark.django_db


def spanish_module(slug):
    return json.loads((ES / "modules.json").read_text(encoding="utf-8"))[slug]


def test_a_lesson_under_es_is_the_spanish_file_and_at_the_root_the_english(client):
    spanish = client.get("/es/lessons/abc-please/").content.decode()
    english = client.get("/lessons/abc-please/").content.decode()
    assert "Fortalecerte con ABC PLEASE" in spanish and "Para qué sirven estas habilidades" in spanish
    assert "Fortalecerte con ABC PLEASE" not in english
    assert Lesson.objects.get(slug="abc-please").title in english
    assert "no está traducida" not in spanish


def test_a_lesson_without_a_translation_shows_in_english_with_a_note_in_spanish(client):
    module = SkillModule.objects.get(slug="mindfulness")
    Lesson.objects.create(
        title="Counting breaths",
        slug="counting-breaths",
        module=module,
        summary="A short one.",
        body="## Why\n\nBreathe and count to ten.",
        status="published",
        published_at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    response = client.get("/es/lessons/counting-breaths/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Esta lección todavía no está traducida, así que aquí está en inglés." in body
    assert '<div class="prose lesson__body" lang="en">' in body and "Breathe and count to ten." in body
    assert "Counting breaths" in body
    assert spanish_module("mindfulness")["name"] in body  # the page around it is still Spanish
    assert "no está traducida" not in client.get("/lessons/counting-breaths/").content.decode()


def test_the_glossary_and_modules_are_in_spanish_under_es(client):
    glossary = client.get("/es/skills/").content.decode()
    assert "Mente sabia" in glossary and spanish_module("distress-tolerance")["name"] in glossary
    module = client.get("/es/lessons/emotion-regulation/").content.decode()
    assert spanish_module("emotion-regulation")["description"] in module
    assert "Fortalecerte con ABC PLEASE" in module
    assert (
        SkillModule.objects.filter(slug="emotion-regulation").values_list("name", flat=True)[0] == "Emotion Regulation"
    )


def test_the_search_filters_name_the_modules_and_audiences_in_spanish(client):
    body = client.get("/es/groups/").content.decode()
    assert f">{spanish_module('interpersonal-effectiveness')['name']}</option>" in body
    assert ">Personas jóvenes (18 a 25 años)</option>" in body
    assert "Interpersonal Effectiveness</option>" not in client.get("/es/groups/").content.decode()


def test_an_information_page_under_es_is_the_spanish_page(client):
    from lessons.content_files import parse_content_file

    page = parse_content_file(ES / "pages" / "crisis.md")
    body = client.get("/es/crisis/").content.decode()
    assert f"<h1>{page.title}</h1>" in body
    assert "<strong>AYUDA</strong>" in body  # the Spanish page's own line, rendered from its Markdown
    assert f"<h1>{page.title}</h1>" not in client.get("/crisis/").content.decode()


def test_saving_a_lesson_while_reading_spanish_keeps_the_english(client):
    from django.utils import translation

    with translation.override("es"):
        lesson = Lesson.objects.get(slug="abc-please")
        assert lesson.title == "Fortalecerte con ABC PLEASE"
        lesson.save()
        skill = Skill.objects.get(slug="wise-mind")
        assert skill.name == "Mente sabia"
        skill.save()
    assert Lesson.objects.get(slug="abc-please").title != "Fortalecerte con ABC PLEASE"
    assert Skill.objects.get(slug="wise-mind").name == "Wise Mind"


def test_searching_lessons_in_spanish_finds_the_spanish_words_without_their_accents(client):
    body = client.get("/es/lessons/", {"q": "aceptacion radical"}).content.decode()
    assert "Aceptación radical" in body
    assert "/es/lessons/radical-acceptance/" in body


def test_en_linea_finds_online_groups_typed_as_a_place_or_as_words(client):
    online = make_group(
        name="Círculo en red",
        format="online",
        time_zone="America/Mexico_City",
        meeting_url="https://meet.example.org/x",
    )
    make_group(name="Harlem Skills Circle")
    for params in ({"near": "en línea"}, {"near": "EN LINEA"}, {"q": "en línea"}, {"near": "online"}):
        body = client.get("/es/groups/", params).content.decode()
        assert online.name in body, params
        assert "Harlem Skills Circle" not in body, params
        assert "No pudimos encontrar ese lugar" not in body, params


def test_a_spanish_reader_sees_groups_that_meet_in_spanish_marked(client):
    make_group(name="Círculo Mente Sabia", language="es")
    make_group(name="Harlem Skills Circle", meetings=[{"weekday": 3, "start": time(19), "end": time(20)}])
    spanish = client.get("/es/groups/", {"near": "10027"}).content.decode()
    card = next(article for article in spanish.split("<article")[1:] if "Círculo Mente Sabia" in article)
    assert '<span class="badge badge--language">Se reúne en español</span>' in card
    assert spanish.count("badge--language") == 1
    assert "badge--language" not in client.get("/groups/", {"near": "10027"}).content.decode()


def test_dates_times_and_distances_are_in_spanish_forms(client, time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 12, tzinfo=UTC), tick=False)
    group = make_group(
        name="Círculo Mente Sabia",
        meetings=[{"weekday": 3, "start": time(19, 30), "end": time(21)}],
        latitude=40.8310,
        longitude=-73.9405,
    )  # fmt: skip, 2.5 km north of the ZIP code's centre
    spanish = client.get("/es/groups/", {"near": "10027", "units": "km"}).content.decode()
    assert "jueves 3 de diciembre, 19:30" in spanish
    assert "2,5 km" in spanish  # a decimal comma
    english = client.get("/groups/", {"near": "10027", "units": "km"}).content.decode()
    assert "Thursday 3 December, 7:30 PM" in english and "2.5 km" in english
    page = client.get(f"/es/groups/{group.slug}/").content.decode()
    assert "jueves 3 de diciembre de 2026, 19:30" in page and "Cada jueves, 19:30–21:00" in page


def test_a_lessons_structured_data_names_the_language_the_reader_gets(client):
    module = SkillModule.objects.get(slug="mindfulness")
    Lesson.objects.create(
        title="Counting breaths",
        slug="counting-breaths",
        module=module,
        summary="Short.",
        body="Breathe.",
        status="published",
        published_at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    assert '"inLanguage": "es"' in client.get("/es/lessons/abc-please/").content.decode()
    assert '"inLanguage": "en"' in client.get("/es/lessons/counting-breaths/").content.decode()
    assert '"inLanguage": "en"' in client.get("/lessons/abc-please/").content.decode()
