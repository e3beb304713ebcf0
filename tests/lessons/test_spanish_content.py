"""The Spanish content (lessons/content/es/): every English page has its Spanish page, every Spanish
lesson pairs with an English one (same module, same skills), the glossary has exactly the English
skills, every file parses, everything links to the Spanish crisis page, internal links stay under
/es/ and lead somewhere, and the safety wording of the English survives translation.
No database needed."""

import importlib
import json
import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from lessons.content_files import parse_content_file

CONTENT = Path(__file__).resolve().parents[2] / "lessons" / "content"
ES = CONTENT / "es"
EN_PAGES = sorted((CONTENT / "pages").glob("*.md"))
EN_LESSONS = sorted((CONTENT / "lessons").glob("*.md"))
ES_PAGES = sorted((ES / "pages").glob("*.md"))
ES_LESSONS = sorted((ES / "lessons").glob("*.md"))
ES_FILES = ES_PAGES + ES_LESSONS
FOUR_MODULES = importlib.import_module("lessons.migrations.0002_the_four_modules").MODULES
MODULES = [slug for slug, _name, _summary in FOUR_MODULES]
SECTIONS = ["## Para qué sirve", "## Cómo practicar", "## Un ejemplo práctico", "## Practicar en grupo"]
CRISIS = "](/es/crisis/"
LINK = re.compile(r"\]\((/[^)\s]*)\)")


def english(path):
    return parse_content_file(CONTENT / path.parent.name / path.name)


def spanish(kind, slug):
    return parse_content_file(ES / kind / f"{slug}.md")


def glossary(directory):
    return json.loads((directory / "skills.json").read_text(encoding="utf-8"))


def entry(slug):
    return next(s for s in glossary(ES) if s["slug"] == slug)


def sentences(text):
    return re.split(r"(?<=[.!?])\s+", text)


# --- Every piece has its pair ------------------------------------------------------------------


def test_every_english_page_has_a_spanish_page():
    assert [p.name for p in ES_PAGES] == [p.name for p in EN_PAGES]


def test_every_spanish_lesson_pairs_with_an_english_lesson_with_the_same_module_and_skills():
    assert len(ES_LESSONS) >= 8
    english_slugs = {p.stem for p in EN_LESSONS}
    for path in ES_LESSONS:
        assert path.stem in english_slugs, path.name
        es, en = parse_content_file(path), english(path)
        assert es.meta.keys() == en.meta.keys(), path.name
        assert es.meta["module"] == en.meta["module"], path.name
        assert es.meta["skills"] == en.meta["skills"], path.name
        assert es.title != en.title and es.summary != en.summary, f"{path.name}: title or summary not translated"


def test_the_glossary_has_exactly_the_english_skills_in_the_same_order_and_modules():
    en, es = glossary(CONTENT), glossary(ES)
    assert [s["slug"] for s in es] == [s["slug"] for s in en]
    for en_skill, es_skill in zip(en, es, strict=True):
        slug = es_skill["slug"]
        assert set(es_skill) == set(en_skill), slug
        assert es_skill["module"] == en_skill["module"], slug
        assert 0 < len(es_skill["name"]) <= 80, slug
        assert bool(es_skill["expansion"]) == bool(en_skill["expansion"]), slug
        assert len(es_skill["expansion"]) <= 300, slug
        assert len(es_skill["summary"].split()) >= 40 and es_skill["summary"] != en_skill["summary"], slug
        assert len(es_skill["steps"]) == len(en_skill["steps"]), slug
        assert all(isinstance(step, str) and step.strip() for step in es_skill["steps"]), slug
        assert not set(es_skill["steps"]) & set(en_skill["steps"]), f"{slug}: a step left in English"


def test_the_four_modules_have_a_spanish_name_and_description():
    modules = json.loads((ES / "modules.json").read_text(encoding="utf-8"))
    assert list(modules) == MODULES
    for slug, module in modules.items():
        assert set(module) == {"name", "description"}, slug
        assert module["name"].strip() and len(module["description"].split()) >= 8, slug


# --- The files parse ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ES_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_spanish_file_parses_with_the_english_header(path):
    text = path.read_text(encoding="utf-8")
    assert "\n---\n" in text, f"{path.name} has no '---' line after its header"
    content = parse_content_file(path)
    assert content.meta.keys() == english(path).meta.keys()
    assert content.title and 0 < len(content.summary) <= 300
    assert len(content.body.split()) >= 200


@pytest.mark.parametrize("path", ES_LESSONS, ids=lambda p: p.stem)
def test_every_spanish_lesson_has_the_four_sections_in_order(path):
    body = parse_content_file(path).body
    positions = [body.find(heading) for heading in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), path.name
    assert 400 <= len(body.split()) <= 1400, path.name


# --- Links -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ES_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_spanish_page_and_lesson_links_to_the_spanish_crisis_page(path):
    if path.stem == "crisis" and path.parent.name == "pages":
        return
    assert CRISIS in parse_content_file(path).body, path.name


def test_internal_links_stay_under_es_and_lead_somewhere():
    lessons = {p.stem for p in EN_LESSONS}
    pages = {p.stem for p in EN_PAGES}
    skills = {s["slug"] for s in glossary(CONTENT)}
    crisis_anchors = set(re.findall(r"\{#([a-z0-9-]+)\}", spanish("pages", "crisis").body))
    targets = set()
    for path in ES_FILES:
        for href in LINK.findall(parse_content_file(path).body):
            assert href.startswith("/es/"), f"{path.name}: {href}"
            targets.add(href)
    assert len(targets) > 25
    for href in sorted(targets):
        url, _, fragment = href.partition("#")
        url = url.partition("?")[0]
        try:
            match = resolve(url)
        except Resolver404:
            match = resolve(url.removeprefix("/es"))  # until /es/ is wired into the URLconf
        slug = match.kwargs.get("slug")
        if url.startswith("/es/lessons/") and slug:
            assert slug in lessons or slug in MODULES, href
        elif url.startswith("/es/skills/") and slug:
            assert slug in skills, href
        elif slug:
            assert slug in pages, href
        if fragment and url == "/es/crisis/":
            assert fragment in crisis_anchors, href
        elif fragment and url == "/es/skills/":
            assert fragment in skills, href


def test_everyday_dbt_in_spanish_links_every_lesson_like_the_english_page():
    body = spanish("pages", "everyday-dbt").body
    for path in EN_LESSONS:
        assert f"](/es/lessons/{path.stem}/)" in body, path.stem
    assert "](/es/groups/)" in body


# --- Crisis resources --------------------------------------------------------------------------


def test_the_spanish_crisis_page_gives_the_lines_that_serve_spanish_speakers():
    body = spanish("pages", "crisis").body
    for words in ("**988**", "**AYUDA**", "**2**", "**911**", "**024**", "**112**", "**016**"):
        assert words in body, words
    # The English page's other countries stay, said to answer in English.
    for line in (
        "9-8-8",
        "116 123",
        "13 11 14",
        "999",
        "000",
        "1-800-799-7233",
        "0808 2000 247",
        "1800 341 900",
        "1800 737 732",
    ):
        assert line in body, line
    assert body.count("en inglés") >= 2
    assert "{#domestic-abuse}" in body


def test_no_spanish_lesson_sends_readers_to_one_number_alone_or_assumes_they_have_a_clinician():
    for path in ES_LESSONS:
        body = parse_content_file(path).body
        assert not re.search(r"\b(988|024|911|112)\b", body), path.name
        for sentence in sentences(body):
            if re.search(r"\btu (médico|médica|terapeuta|psiquiatra)\b", sentence, re.I):
                assert re.search(r"si (lo |la )?tienes|si no (lo |la )?tienes", sentence, re.I), sentence


# --- Safety wording survives translation -------------------------------------------------------


def lesson(slug):
    path = ES / "lessons" / f"{slug}.md"
    if not path.is_file():
        pytest.skip(f"{slug} is not translated yet")
    return parse_content_file(path).body


def test_tipp_keeps_every_caution_in_the_lesson_and_the_glossary():
    body = lesson("tipp-for-intense-moments")
    tipp = entry("tipp")
    glossed = tipp["summary"] + " ".join(tipp["steps"])
    for words in (
        "afección cardíaca",
        "betabloqueador",
        "desmayos",
        "afección respiratoria",
        "trastorno de la conducta alimentaria",
        "no helada",
        "30 segundos",
        "envueltos en un paño",
        "solo si no se aplica ninguna",
        "mare",
    ):
        assert words in body and words in glossed, words
    assert "10 °C o 50 °F" in body and "Nunca pongas el hielo directamente sobre la piel" in body
    assert "ritmo cardíaco en reposo lento" in body and "no contengas tampoco la respiración" in body
    assert "equipo de tratamiento" in body and "reacciona mal al frío" in body
    group = body.split("## Practicar en grupo", 1)[1]
    assert "no hagan el agua fría ni el ejercicio intenso" in group


def test_please_keeps_medication_alcohol_and_eating_disorder_cautions():
    body = lesson("abc-please")
    steps = " ".join(entry("please")["steps"])
    for text in (body, steps):
        assert "recet" in text and "alcohol" in text and "mucho todos los días" in text
        assert "trastorno de la conducta alimentaria" in text and "peligros" in text
    assert "Nunca suspendas ni cambies un medicamento recetado sin hablar con la persona que te lo recetó" in body
    assert "Nunca los suspendas ni los cambies sin consultarlo con la persona que te los recetó" in steps
    assert steps.index("recetados") < steps.index("E de Eating")
    assert "tampoco es un consejo médico" in body


def test_accepts_sensations_are_never_harmful_and_comparisons_have_a_stop():
    steps = entry("accepts")["steps"]
    assert "nunca sea dolorosa ni dañina" in steps[6] and "que no queme" in steps[6]
    assert "hielo" not in " ".join(steps)
    assert "no debería sentirme así" in steps[2]
    body = lesson("distract-and-soothe")
    assert "nunca dolorosas ni dañinas" in body and "no debería sentirme así" in body
    assert "escaneo corporal" in body


def test_opposite_action_sends_trauma_linked_fear_to_a_therapist():
    assert "ligados a un trauma" in lesson("opposite-action-and-problem-solving")
    assert "trauma" in entry("opposite-action")["summary"]


def test_the_self_harm_passage_gives_the_next_minutes_and_whom_to_contact():
    body = lesson("stop-and-pros-and-cons")
    passage = body.split("### Si el impulso es de hacerte daño", 1)[1].split("\n## ", 1)[0]
    assert "**Detente.**" in passage and "](/es/lessons/tipp-for-intense-moments/)" in passage
    assert CRISIS in passage and "número de emergencias" in passage
    assert "Un grupo de pares no es un servicio de crisis" in passage


def test_chain_analysis_and_ending_relationships_keep_their_limits():
    chain = entry("chain-analysis")["summary"]
    assert "autolesiones" in chain and "línea de crisis" in chain
    ending = " ".join(entry("ending-relationships")["steps"])
    assert "violencia doméstica" in ending and "servicios de emergencia" in ending
    assert "nunca se usa con nada que tenga que ver con la seguridad" in entry("behavior-change")["summary"]


def test_the_corrected_examples_say_what_the_english_says():
    dear_man = lesson("asking-with-dear-man")
    reinforce = dear_man.split("- **Reforzar:**", 1)[1].split("\n", 1)[0]
    assert "no me vas a tener pidiéndote" in reinforce and "en lugar de" not in reinforce
    fast = lesson("keeping-self-respect-with-fast")
    assert "le voy a decir la verdad" in fast and "no sé dónde estás" not in fast.lower()
    give = lesson("give-and-validation")
    assert "seis niveles" in give and "El sexto es ser genuino" in give
    validation = entry("validation")["steps"]
    assert len(validation) == 6 and validation[5].startswith("Sé genuino")
