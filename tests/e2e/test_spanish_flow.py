"""The site in Spanish in a browser: the whole joining journey on a phone, from a browser that prefers
Spanish to a welcome e-mail, axe-clean with lang="es"; and the switcher on every kind of page."""

import re

import pytest
from django.core import mail

from accounts.models import User
from groups.models import PeerGroup
from tests.conftest import PASSWORD as STANDING_PASSWORD
from tests.conftest import make_group, make_user
from tests.e2e.conftest import PHONE, check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "una-frase-bastante-larga"


@pytest.fixture
def phone_in_spanish(browser, live_server, settings):
    """A phone whose browser asks for Spanish first (Accept-Language: es-MX)."""
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        locale="es-MX",
        extra_http_headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def check(page, name):
    """axe at both widths (and the screenshots), then back to the phone the journey is made on."""
    check_page(page, name)
    page.set_viewport_size(PHONE)


def is_spanish(page):
    assert page.locator("html").get_attribute("lang") == "es", page.url


def sign_in_es(page, email, password=STANDING_PASSWORD):
    page.goto("/es/accounts/login/")
    page.get_by_label("Correo electrónico").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main").get_by_role("button", name="Iniciar sesión").click()
    page.get_by_role("link", name="Cuenta").wait_for()


def sign_out_es(page):
    page.get_by_role("button", name="Cerrar sesión").click()
    page.get_by_role("link", name="Iniciar sesión").wait_for()


def test_a_spanish_speaker_finds_an_online_group_joins_and_is_welcomed_on_a_phone(phone_in_spanish):
    page = phone_in_spanish
    lead = make_user("lucia@example.org", "Lucía", language="es")
    group = make_group(
        lead,
        name="Círculo Mente Sabia en línea",
        format=PeerGroup.Format.ONLINE,
        language="es",
        meeting_url="https://meet.example.org/mente-sabia",
        location_privacy="members",
        time_zone="America/Mexico_City",
        description="Una habilidad por semana.",
    )
    mail.outbox.clear()

    # The first visit, at the English address: Spanish is offered, in Spanish.
    page.goto("/")
    offer = page.get_by_role("complementary", name="Esta página también está en español.")
    offer.get_by_role("button", name="Leer en español").click()
    page.wait_for_url(re.compile(r"/es/$"))
    is_spanish(page)
    check(page, "es phone home")
    assert page.locator(".language-offer").count() == 0  # the answer is kept

    # Searching the way a Spanish speaker says it.
    page.get_by_label("Código postal, ZIP o ciudad").first.fill("en línea")
    page.locator("main").get_by_role("button", name="Buscar grupos").click()
    page.get_by_role("link", name="Círculo Mente Sabia en línea").wait_for()
    card = page.locator(".group-card", has=page.get_by_role("link", name="Círculo Mente Sabia en línea"))
    assert card.get_by_text("Se reúne en español").count() == 1
    is_spanish(page)
    check(page, "es phone search online")

    # Signing up in Spanish: the account keeps Spanish, the verification e-mail is in Spanish.
    page.get_by_role("link", name="Crear una cuenta").first.click()
    is_spanish(page)
    check(page, "es phone sign up")
    page.get_by_label("Nombre visible").fill("Andrés")
    page.get_by_label("Correo electrónico").fill("andres@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Crear una cuenta").click()
    page.get_by_role("heading", name="Verifica tu dirección de correo").wait_for()
    check(page, "es phone verification sent")
    assert User.objects.get(email="andres@example.org").language == "es"
    verification = mail.outbox[-1]
    assert "Confirma tu dirección de correo" in verification.subject
    link = re.search(r"https?://\S+/es/accounts/confirm-email/\S+/", verification.body).group(0)
    page.goto(link)
    check(page, "es phone confirm email")
    page.locator("main").get_by_role("button", name="Confirmar").click()
    page.get_by_role("link", name="Cuenta").wait_for()

    # Asking to join.
    page.goto(group.get_absolute_url().replace("/groups/", "/es/groups/"))
    is_spanish(page)
    assert page.get_by_text("meet.example.org").count() == 0
    page.get_by_role("link", name="Pedir unirme").click()
    check(page, "es phone ask to join")
    page.get_by_label("Mensaje para quienes facilitan (opcional)").fill("Terminé la DBT en la primavera.")
    page.get_by_role("button", name="Enviar mi solicitud").click()
    page.get_by_text("Tu solicitud está enviada.").wait_for()
    check(page, "es phone group page request waiting")
    sign_out_es(page)
    assert mail.outbox[-1].to == ["lucia@example.org"]
    assert "Nueva solicitud para unirse" in mail.outbox[-1].subject

    # The facilitator welcomes them, in Spanish too.
    sign_in_es(page, "lucia@example.org")
    page.goto("/es/groups/manage/")
    page.get_by_text("1 solicitud para unirse espera respuesta.").wait_for()
    check(page, "es phone my groups facilitator")
    page.get_by_role("link", name="Solicitudes y miembros (Círculo Mente Sabia en línea)").click()
    check(page, "es phone join requests")
    page.get_by_role("button", name="Dar la bienvenida Andrés").click()
    page.get_by_text("Andrés ya es miembro").wait_for()
    sign_out_es(page)
    welcome = mail.outbox[-1]
    assert welcome.to == ["andres@example.org"]
    assert "Te damos la bienvenida" in welcome.subject and "Cómo asistir" in welcome.body

    # The member sees how to attend.
    sign_in_es(page, "andres@example.org", PASSWORD)
    page.goto("/es/groups/manage/")
    page.get_by_role("link", name="Círculo Mente Sabia en línea").first.click()
    page.get_by_text("Eres miembro de este grupo.").wait_for()
    assert page.get_by_role("link", name="Entrar a la videollamada").count() == 1
    is_spanish(page)
    check(page, "es phone group page member")


KINDS = [
    ("home", "/", None),
    ("search", "/groups/?near=10027", None),
    ("group page", "/groups/{slug}/", None),
    ("lesson", "/lessons/finding-wise-mind/", None),
    ("module", "/lessons/mindfulness/", None),
    ("glossary", "/skills/", None),
    ("information page", "/crisis/", None),
    ("sign in", "/accounts/login/", None),
    ("page not found", "/groups/no-such-group/", None),
    ("account", "/account/", "member"),
    ("my groups", "/groups/manage/", "facilitator"),
    ("moderation console", "/moderation/", "moderator"),
]


@pytest.mark.parametrize(("kind", "path", "who"), KINDS, ids=[kind for kind, _path, _who in KINDS])
def test_the_switcher_on_every_kind_of_page_keeps_the_page(page, kind, path, who):
    people = {
        "member": make_user("ana@example.org", "Ana"),
        "facilitator": make_user("fran@example.org", "Fran"),
        "moderator": make_user("mo@example.org", "Mo", moderator=True),
    }
    group = make_group(people["facilitator"], name="Harlem Skills Circle")
    path = path.format(slug=group.slug)
    if who is not None:
        from tests.e2e.test_listing_flow import sign_in

        sign_in(page, people[who].email)
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "en"
    for place in ("header", "footer"):
        assert page.locator(place).get_by_role("button" if who else "link", name="Español").count() == 1, (kind, place)
    page.locator("header").get_by_role("button" if who else "link", name="Español").click()
    page.wait_for_url(re.compile(r"/es/"))
    assert page.url.split(page.url.split("/es/")[0], 1)[1] == "/es" + path
    assert page.locator("html").get_attribute("lang") == "es"
    check_page(page, f"es switched {kind}")
    assert page.locator(".language-offer").count() == 0  # they just chose: nothing is offered back
    page.locator("footer").get_by_role("button" if who else "link", name="English").click()
    page.wait_for_url(lambda url: "/es/" not in url)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith(path)
    if who is not None:
        assert User.objects.get(email=people[who].email).language == "en"
