"""Every page in Spanish, for each kind of person, and no sentence of the interface left in English:
neither a phrase the catalogue knows in English (a string that should have been translated) nor an
English word (a string nobody marked for translation). The data is in Spanish too, so any English
on the page comes from the site."""

import re
from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

from dbtselfhelp.pages import INFORMATION_PAGES
from groups.models import NOT_CONFIRMED_IN_TIME, FacilitatorInvitation, JoinRequest, ListingEvent, Notice, Report
from groups.notifications import stop_token
from groups.waiting import WaitingRequest
from lessons.models import Testimonial
from tests.accounts.test_professionals import make_professional
from tests.conftest import PRIVATE_GROUP, make_group, make_user

from .spanish_text import readable_text

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
SKIP = ("admin/", "accounts/logout", "i18n/")
# Written content, checked by tests/lessons/test_spanish_content.py: it names English skills and services.
CONTENT = ("/es/lessons/", "/es/skills/", *(f"/es/{slug}/" for slug in INFORMATION_PAGES))
# Words that are English and never Spanish; acronyms (PLEASE, STOP) and names are upper case, so
# only lower-case words count.
ENGLISH_WORDS = set(
    [
        "the",
        "and",
        "your",
        "you",
        "with",
        "this",
        "that",
        "please",
        "is",
        "are",
        "of",
        "to",
        "for",
        "from",
        "will",
        "have",
        "not",
        "can",
        "our",
        "we",
        "or",
        "be",
        "it",
        "on",
        "at",
        "by",
        "if",
        "when",
        "what",
        "which",
        "who",
        "about",
        "join",
        "groups",
        "meeting",
        "meetings",
        "here",
        "there",
        "more",
        "been",
        "were",
        "would",
        "their",
        "they",
        "them",
        "its",
        "an",
        "only",
        "yet",
        "after",
        "before",
        "all",
        "any",
        "every",
        "new",
        "next",
        "back",
        "up",
        "out",
        "into",
        "just",
        "than",
        "then",
        "now",
        "how",
        "why",
        "where",
        "sent",
        "send",
        "page",
        "sign",
        "members",
        "member",
        "request",
        "requests",
        "listing",
        "listings",
        "e-mail",
    ]
)
# Names and words the Spanish interface keeps: the site's name, apps and formats, the skills' own names.
KEPT = [settings.SITE_NAME, "Meeting Guide", "12 Step Meeting List", "“Inactive”", "OpenStreetMap", "tsml-ui"]


def english_phrases():
    """The catalogue's English sentences and phrases of three words or more, cut at placeholders and tags."""
    phrases = set()
    for entry in polib.pofile(str(CATALOGUE)):
        for text in filter(None, [entry.msgid, entry.msgid_plural]):
            for fragment in re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|[“”\"():;]", text):
                fragment = fragment.strip(" .,?!…·-–")
                if len(fragment.split()) >= 3 and fragment not in entry.msgstr:
                    phrases.add(fragment)
    return phrases


def english_words(text):
    """The English words on the page, each with the words around it (to find the string)."""
    for kept in KEPT:
        text = text.replace(kept, " ")
    text = re.sub(r"https?://\S+", " ", text)
    return [
        f"{match.group()}: …{text[max(0, match.start() - 50) : match.end() + 50]}…"
        for match in re.finditer(r"(?<![\w-])[a-z][a-z-]*(?![\w-])", text)
        if match.group() in ENGLISH_WORDS
    ]


def routes(resolver=None, prefix="", in_language=False):
    """(route, is under i18n_patterns) for every URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            localized = in_language or isinstance(entry.pattern, LocalePrefixPattern)
            own = "" if isinstance(entry.pattern, LocalePrefixPattern) else str(entry.pattern)
            yield from routes(entry, prefix + own, localized)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), in_language


# A path parameter takes the value of the kind of object its route names (a lesson's slug under
# lessons/, not a group's), so every page with parameters is reached, not answered 404.
BY_PREFIX = {
    "lessons/": "lesson",
    "skills/": "skill",
    "toolkit/": "toolkit",
    "professionals/": "professional",
    "moderation/professionals/": "professional",
    "groups/waiting/confirm/": "confirm",
    "groups/waiting/unsubscribe/": "unsubscribe",
    "groups/waiting/renew/": "renew",
    "groups/change-emails/stop/": "stop",
}


def fill(route, values):
    """A real path for the route: Django's <converter:name> and allauth's (?P<name>...) groups filled."""
    kind = next(
        (
            kind
            for prefix, kind in sorted(BY_PREFIX.items(), key=lambda item: -len(item[0]))
            if route.startswith(prefix)
        ),
        None,
    )
    chosen = {**values, **values.get(kind, {})} if kind else values

    def value(match):
        return str(chosen.get(match.group(1), "1"))

    path = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", value, route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", value, path)
    return "/" + path.replace("^", "").replace("$", "").lstrip("/")


@pytest.fixture
def spanish_world(db):
    """People and groups as a Spanish-speaking city would have them."""
    lucia = make_user("lucia@example.org", "Lucía", language="es")
    andres = make_user("andres@example.org", "Andrés", language="es")
    moderator = make_user("moderadora@example.org", "Marta", moderator=True, language="es")
    group = make_group(
        lucia,
        name="Círculo Mente Sabia",
        description="Practicamos una habilidad por semana.",
        language="es",
        contact_name="Lucía",
        venue="Biblioteca Central, Sala 2",
        address="Calle 125 Oeste 127",
    )
    private = make_group(
        lucia,
        **{
            **PRIVATE_GROUP,
            "name": "Grupo Puerto Tranquilo",
            "language": "es",
            "description": "Nos reunimos los martes.",
            "contact_name": "Lucía",
        },
    )
    JoinRequest.objects.create(group=group, user=andres, message="Hola, me gustaría unirme.")
    notice = Notice.objects.create(group=group, date=group.created_at.date(), text="No hay reunión este martes.")
    invitation = FacilitatorInvitation.objects.create(group=group, email="ines@example.org")
    Report.objects.create(group=group, reporter=andres, reason="wrong", text="El horario cambió.")
    professional = make_professional(
        email="pro@example.org",
        status="pending",
        display_name="Elena",
        public_name="Dra. Elena Ruiz",
        statement="Apoyo la práctica entre pares.",
        credentials="PhD",
        organisation="Clínica Norte",
    )
    Testimonial.objects.create(text="Mi grupo me ayuda cada semana.", consent=True, user=andres)
    ListingEvent.objects.create(group=private, action=ListingEvent.Action.ARCHIVED, note=NOT_CONFIRMED_IN_TIME)
    waiting = WaitingRequest.objects.create(
        email="rosa@example.org",
        cell_latitude=40.8,
        cell_longitude=-73.95,
        cell_key="x",
        area_key="y",
        radius_km=10,
        email_language="es",
        created_at=group.created_at,
        expires_at=group.created_at + timedelta(days=365),
    )
    values = {
        "slug": group.slug,
        "pk": notice.pk,
        "token": invitation.token,
        "user_id": professional.user.pk,
        "section": "groups",
        "key": "clave-vencida",
        "uidb36": "1",
        "lesson": {"slug": "finding-wise-mind"},
        "skill": {"slug": "wise-mind"},
        "toolkit": {"slug": "starting-a-group"},
        "professional": {"pk": professional.pk},
        "confirm": {"token": waiting.confirm_token},
        "unsubscribe": {"token": waiting.unsubscribe_token},
        "renew": {"token": waiting.unsubscribe_token},
        "stop": {"token": stop_token(group, andres)},
    }
    return {"lucia": lucia, "andres": andres, "moderator": moderator, "values": values, "private": private}


# Pages with parameters each kind of person must have reached (and checked) in Spanish.
REACHED = (
    "/lessons/finding",
    "/skills/wise",
    "/toolkit/starting",
    "/groups/waiting/",
    "/change-emails/stop/",
    "/groups/circulo-mente-sabia/",
    "/moderation/",
)
EVERYONE = {
    "/es/lessons/finding-wise-mind/",
    "/es/skills/wise-mind/",
    "/es/toolkit/starting-a-group/",
    "/es/groups/circulo-mente-sabia/",
    "/es/groups/circulo-mente-sabia/flyer/",
}
EXPECTED = {
    "visitor": EVERYONE,
    "andres": EVERYONE | {"/es/groups/circulo-mente-sabia/report/"},
    "lucia": EVERYONE
    | {
        f"/es/groups/circulo-mente-sabia/{page}/"
        for page in ("edit", "notices", "requests", "facilitators", "rotation")
    },
    "moderator": EVERYONE | {"/es/moderation/groups/circulo-mente-sabia/"},
}


@pytest.mark.parametrize("persona", ["visitor", "andres", "lucia", "moderator"])
def test_every_page_in_spanish_has_no_english_of_the_interface(client, spanish_world, persona):
    if persona != "visitor":
        client.force_login(spanish_world[persona])
    phrases = english_phrases()
    checked = []
    problems = []
    for route, localized in routes():
        if not localized or route.startswith(SKIP):
            continue
        path = "/es" + fill(route, spanish_world["values"])
        response = client.get(path)
        if response.status_code >= 300 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert '<html lang="es">' in html, path
        text = readable_text(html)
        found = [phrase for phrase in phrases if phrase in text]
        words = [] if path.startswith(CONTENT) else english_words(text)
        if found or words:
            problems.append((path, found[:3], words))
        checked.append(path)
    assert len(checked) > 25, checked
    assert not problems, problems
    assert {path for path in checked if any(kind in path for kind in REACHED)} >= EXPECTED[persona], checked


@pytest.mark.parametrize("path", ["/es/lessons/", "/es/lessons/finding-wise-mind/", "/es/skills/"])
def test_content_pages_have_no_english_phrase_of_the_interface(client, db, path):
    text = readable_text(client.get(path).content.decode())
    assert not [phrase for phrase in english_phrases() if phrase in text]


@pytest.mark.parametrize("status", [403, 404])
def test_error_pages_are_in_spanish(client, db, status):
    path = "/es/groups/no-such-group/" if status == 404 else "/es/moderation/"
    response = client.get(path)
    if status == 403:
        assert response.status_code == 302  # a visitor is asked to sign in
        client.force_login(make_user("ana@example.org", "Ana"))
        response = client.get(path)
    assert response.status_code == status
    text = readable_text(response.content.decode())
    assert '<html lang="es">' in response.content.decode()
    assert not english_words(text), english_words(text)


def test_the_static_503_page_is_in_spanish():
    from django.utils import translation

    from dbtselfhelp.unavailable import unavailable_response

    with translation.override("es"):
        html = unavailable_response().content.decode()
    assert '<html lang="es">' in html
    assert "El sitio no está disponible por un momento" in html
    assert not english_words(readable_text(html))


@pytest.mark.parametrize("template", ["500.html", "400.html", "429.html", "403_csrf.html"])
def test_the_other_error_pages_are_in_spanish(template):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("es"):
        html = render_to_string(template, {"SITE_NAME": settings.SITE_NAME})
    assert '<html lang="es">' in html
    assert not english_words(readable_text(html)), english_words(readable_text(html))
    assert not [phrase for phrase in english_phrases() if phrase in readable_text(html)]
