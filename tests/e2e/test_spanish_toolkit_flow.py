"""The facilitator's toolkit and the skills rotation in Spanish, on a phone and a desktop: the pages
read in Spanish, print with the Spanish crisis lines, and are axe-clean with lang="es"."""

import pytest
from django.utils import timezone

from tests.conftest import make_group, make_user
from tests.e2e.conftest import check_page
from tests.e2e.test_spanish_flow import sign_in_es

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_toolkit_in_spanish_reads_and_prints_with_the_lines_that_answer_in_spanish(page):
    page.goto("/es/toolkit/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("heading", name="Caja de herramientas para quienes facilitan", level=1).wait_for()
    check_page(page, "es toolkit index")
    page.get_by_role("link", name="Si alguien está en crisis durante una reunión").first.click()
    page.get_by_role("heading", name="Si alguien está en crisis durante una reunión", level=1).wait_for()
    check_page(page, "es toolkit crisis during a meeting")
    page.emulate_media(media="print")
    footer = page.locator(".toolkit-print-footer").inner_text()
    assert "llama o escribe al 988 (oprime 2 para español)" in footer
    assert "call or text" not in footer
    page.emulate_media(media="screen")


def test_a_facilitator_follows_the_rotation_in_spanish(page):
    lead = make_user("lead@example.org", "Lía", language="es")
    group = make_group(lead, name="Círculo del Martes", language="es")
    today = timezone.now().astimezone(group.tz).date()
    sign_in_es(page, "lead@example.org")
    page.goto("/es" + group.get_absolute_url() + "rotation/")
    page.get_by_role("heading", name="Rotación de habilidades", level=1).wait_for()
    page.get_by_label("La semana 1 empieza el").fill(today.isoformat())
    page.get_by_role("button", name="Seguir la rotación").click()
    page.get_by_text("El grupo sigue la rotación de habilidades.").wait_for()
    assert "Mente sabia" in page.locator(".week-skill").inner_text()
    check_page(page, "es rotation followed")
