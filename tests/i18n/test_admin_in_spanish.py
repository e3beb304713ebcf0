"""The admin in Spanish for a Spanish moderator: Django translates its own chrome, and every label the
site adds (field and model names, the admin's own columns, filters, fieldsets, inlines, help texts)
reads in Spanish too. Each registered model of the site's apps is opened at /es/admin/: its list, its
add form (or, where adding is not allowed, the change form of a row) and the change form of a row."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import translation
from django.utils.text import capfirst

from groups.models import FacilitatorInvitation, ListingEvent, Notice, Place, Report
from lessons.models import Testimonial
from outbox.models import OutgoingEmail
from tests.conftest import make_group, make_user

SITE_APPS = ("accounts", "groups", "lessons", "outbox")
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in SITE_APPS),
    key=lambda model: model._meta.label,
)
# Adding is not allowed: the history and the outbox are written by the site.
NO_ADD = {ListingEvent, OutgoingEmail}
# Labels that are written the same in both languages on purpose.
SAME_IN_BOTH = {"ID", "Slug", "Token", "HTML"}


class _Labels(HTMLParser):
    """The texts an admin page shows as names of things: form labels, column headings, filter and
    fieldset titles, page titles, and help texts."""

    NAMING = {"label", "summary", "h1", "h2", "caption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # (tag, collecting)
        self.labels, self.help, self.current = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        collecting = (
            tag in self.NAMING
            or (tag == "th" and (attrs.get("scope") == "col" or any(c.startswith("column-") for c in classes)))
            or (tag == "div" and "help" in classes)
        )
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        if collecting:
            self.current.append([])
        self.open.append((tag, collecting, "help" in classes))

    def handle_endtag(self, tag):
        while self.open:
            opened, collecting, is_help = self.open.pop()
            if collecting:
                text = " ".join("".join(self.current.pop()).split()).rstrip(":").strip()
                if text:
                    (self.help if is_help else self.labels).append(text)
            if opened == tag:
                break

    def handle_data(self, data):
        if self.current:
            self.current[-1].append(data)


def shown_labels(html):
    parser = _Labels()
    parser.feed(html)
    labels = set(parser.labels)
    # A filter's title reads "By status" / "Por estado": the name alone counts.
    labels |= {re.sub(r"^(By|Por) ", "", label) for label in labels}
    return labels, set(parser.help)


def english_names():
    """Every name the site's models and admins give, as the English admin shows it: none of them
    may appear on a Spanish page (unless it is spelled the same in Spanish on purpose)."""
    names, help_texts = set(), set()
    with translation.override("en"):
        for model in apps.get_models():
            if model._meta.app_label not in SITE_APPS:
                continue
            names |= {capfirst(str(model._meta.verbose_name)), capfirst(str(model._meta.verbose_name_plural))}
            for field in model._meta.get_fields():
                if hasattr(field, "verbose_name"):
                    names.add(capfirst(str(field.verbose_name)))
                if getattr(field, "help_text", ""):
                    help_texts.add(str(field.help_text))
        for model_admin in admin.site._registry.values():
            for name in model_admin.list_display:
                description = getattr(getattr(model_admin, name, None), "short_description", None)
                if description:
                    names.add(capfirst(str(description)))
            for title, _options in model_admin.fieldsets or ():
                if title:
                    names.add(str(title))
    return names - SAME_IN_BOTH, help_texts


@pytest.fixture
def spanish_admin(client, db, facilitator, member):
    """A Spanish-speaking superuser moderator (with the authenticator app the admin requires), signed
    in, and at least one row of each registered model."""
    moderator = make_user("raquel@example.org", "Raquel", is_staff=True, is_superuser=True, language="es")
    group = make_group(facilitator)
    Notice.objects.create(group=group, date=group.created_at.date(), text="Sin reunión", created_by=facilitator)
    Report.objects.create(group=group, reporter=member, reason=Report.Reason.WRONG, text="La hora está mal")
    ListingEvent.objects.create(group=group, actor=facilitator, action=ListingEvent.Action.EDITED, note="")
    FacilitatorInvitation.objects.create(group=group, email="coco@example.org", invited_by=facilitator)
    Place.objects.create(
        geonameid=5128581,
        name="New York",
        search_name="new york",
        country_code="US",
        latitude=40.71,
        longitude=-74.0,
        population=8_000_000,
    )
    Testimonial.objects.create(text="Me ayudó mucho.", display_name="", consent=True, user=member)
    OutgoingEmail.objects.create(to="alice@example.org", subject="Hola", body="Hola", template="welcome")
    client.force_login(moderator)
    return client


def admin_url(model, page, *args):
    return f"/es/admin/{model._meta.app_label}/{model._meta.model_name}/{page}" + "".join(f"{a}/" for a in args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_each_registered_model_reads_in_spanish(spanish_admin, model):
    forbidden, english_help = english_names()
    row = model._default_manager.order_by("pk").first()
    pages = ["", f"{row.pk}/change/"] + ([] if model in NO_ADD else ["add/"])
    for page in pages:
        url = admin_url(model, page)
        response = spanish_admin.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="es"' in html, url
        labels, help_texts = shown_labels(html)
        assert labels, url
        assert not labels & forbidden, (url, sorted(labels & forbidden))
        assert not help_texts & english_help, (url, sorted(help_texts & english_help))
    if model in NO_ADD:
        assert spanish_admin.get(admin_url(model, "add/")).status_code == 403, model


def test_the_sweep_opens_the_site_s_models():
    assert {model._meta.label for model in REGISTERED} >= {
        "accounts.User",
        "groups.PeerGroup",
        "groups.Report",
        "groups.ListingEvent",
        "groups.Notice",
        "groups.Place",
        "groups.Audience",
        "groups.FacilitatorInvitation",
        "lessons.SkillModule",
        "lessons.Skill",
        "lessons.Lesson",
        "lessons.Testimonial",
        "outbox.OutgoingEmail",
    }


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_group_s_add_form_names_its_fields_and_inlines_in_spanish(spanish_admin):
    html = page(spanish_admin, "/es/admin/groups/peergroup/add/")
    for spanish in [
        "Revisado por",
        "Enviado a revisión el",
        "Cambios todavía sin revisar",
        "Latitud pública",
        "Recordatorio enviado el",
        "Horarios de reunión",
        "Quienes facilitan",
        "Avisos",
    ]:
        assert spanish in html, spanish
    for english in [
        "Reviewed by",
        "Submitted at",
        "Has unreviewed changes",
        "Public latitude",
        "Reminder sent at",
        "Meeting times",
        "Group facilitators",
        "Listing events",
        "Location source",
    ]:
        assert english not in html, english


def test_the_reports_list_has_spanish_columns_and_filters(spanish_admin):
    html = page(spanish_admin, "/es/admin/groups/report/")
    for spanish in ["Reportado el", "Resuelto el", "Por estado", "Por qué está mal"]:
        assert spanish in html, spanish
    for english in ["Created at", "Resolved at", "By status", "Select report to change"]:
        assert english not in html, english


def test_the_admin_s_own_columns_read_in_spanish(spanish_admin):
    testimonials = page(spanish_admin, "/es/admin/lessons/testimonial/")
    assert "Nombre que se muestra" in testimonials and "Shown name" not in testimonials
    outbox = page(spanish_admin, "/es/admin/outbox/outgoingemail/")
    assert "en cola" in outbox and "Enviar de nuevo" in outbox
    assert "Queued at" not in outbox and "Send again" not in outbox


def test_the_admin_index_names_the_models_in_spanish(spanish_admin):
    html = page(spanish_admin, "/es/admin/")
    for spanish in [
        "Grupos de pares",
        "Reportes",
        "Entradas del historial de los grupos",
        "Invitaciones para cofacilitar",
        "Testimonios",
        "Lugares",
        "Tareas en segundo plano",
    ]:
        assert spanish in html, spanish
    for english in ["Listing events", "Facilitator invitations", "Places", "Testimonials", "Tasks Database Backend"]:
        assert english not in html, english


def test_the_same_admin_at_the_root_reads_english(spanish_admin):
    html = page(spanish_admin, "/admin/groups/report/")
    assert "Reported at" in html and "Reportado el" not in html
