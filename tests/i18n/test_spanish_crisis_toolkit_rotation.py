"""What the Spanish site says of crisis lines, the facilitator's toolkit and the skills rotation:
lines that serve Spanish speakers, the toolkit's Spanish pages, and the rotation's weeks named in Spanish."""

from datetime import UTC, date, datetime

import pytest

from groups.models import PeerGroup

pytestmark = pytest.mark.django_db


def test_a_spanish_reader_in_the_us_gets_the_lifelines_spanish_option(client):
    page = client.get("/es/about/", HTTP_ACCEPT_LANGUAGE="es-US").content.decode()
    assert "En EE. UU.:" in page
    assert 'llama al <a href="tel:988">988</a>' in page
    assert 'envía <a href="sms:988?&amp;body=AYUDA">AYUDA al 988</a> (oprime 2 para español)' in page


def test_a_reader_in_spain_gets_024_and_112(client):
    page = client.get("/es/about/", HTTP_ACCEPT_LANGUAGE="es-ES").content.decode()
    assert 'En España: Línea 024, llama al <a href="tel:024">024</a>.' in page
    assert '<a href="tel:112">112</a>' in page


def test_where_the_country_is_unknown_the_spanish_footer_gives_the_lines_that_answer_in_spanish(client):
    page = client.get("/es/about/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "En EE. UU.: 988 Suicide &amp; Crisis Lifeline" in page
    assert 'En España: Línea 024, llama al <a href="tel:024">024</a>; en otros lugares' in page
    assert "en otros lugares, el número de emergencias de tu país." in page
    assert "Samaritans" not in page.split('class="crisis-line"')[1].split("</p>")[0]
    assert "US and Canada" not in page


def test_a_spanish_reader_in_the_uk_is_told_the_line_answers_in_english(client):
    page = client.get("/es/about/", HTTP_ACCEPT_LANGUAGE="es-GB").content.decode()
    assert 'En el Reino Unido: Samaritans, llama al <a href="tel:116123">116 123</a> (en inglés).' in page


def test_the_english_footer_keeps_the_english_lines(client):
    page = client.get("/about/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert 'text <a href="sms:741741?&amp;body=HOME">HOME to 741741</a>' in page
    assert "AYUDA" not in page


def test_spanish_words_of_crisis_put_the_spanish_lines_first(client):
    page = client.get("/es/lessons/", {"q": "quiero morir"}, HTTP_ACCEPT_LANGUAGE="es-US").content.decode()
    assert 'id="crisis-first-title"' in page
    assert "(oprime 2 para español)" in page


def test_the_toolkit_is_in_spanish_under_es_and_in_english_at_the_root(client):
    spanish = client.get("/es/toolkit/starting-a-group/").content.decode()
    english = client.get("/toolkit/starting-a-group/").content.decode()
    assert "<h1>Empezar un grupo</h1>" in spanish
    assert "Who a peer group is for" not in spanish
    assert "<h1>Starting a group</h1>" in english
    index = client.get("/es/toolkit/").content.decode()
    assert "Si alguien está en crisis durante una reunión" in index


def test_the_groups_page_names_this_weeks_skill_and_lesson_in_spanish(client, group, time_machine):
    PeerGroup.objects.filter(pk=group.pk).update(rotation_starts_on=date(2026, 7, 21))
    time_machine.move_to(datetime(2026, 7, 22, 17, tzinfo=UTC), tick=False)  # week 1: wise mind
    path = group.get_absolute_url()
    page = client.get("/es" + path).content.decode()
    assert '<a href="/es/lessons/finding-wise-mind/">Mente sabia</a>' in page
    english = client.get(path).content.decode()
    assert '<a href="/lessons/finding-wise-mind/">Wise Mind</a>' in english
