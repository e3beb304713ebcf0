"""Every e-mail in its reader's language, whoever or whatever sends it: a member's is the one on their
account, a waiting-list visitor's the one they asked in, with links to the pages in that language."""

from django.conf import settings
from django.core import mail
from django.utils import translation

from groups import alerts, services
from groups.models import JoinRequest, PeerGroup
from tests.conftest import make_group, make_user

SITE = settings.SITE_URL


def test_a_spanish_members_welcome_is_in_spanish_though_the_facilitator_reads_english(client, db):
    lucia = make_user("lucia@example.org", "Lucía", language="es")
    fran = make_user("fran@example.org", "Fran")
    group = make_group(fran, name="Harlem Skills Circle")
    client.force_login(lucia)
    client.post(f"/es/groups/{group.slug}/join/", {"message": "Hola"})
    to_facilitator = mail.outbox[-1]
    assert to_facilitator.to == [fran.email]
    assert to_facilitator.subject == "[DBT Self-Help Groups] New request to join Harlem Skills Circle"
    assert f"{SITE}/groups/{group.slug}/requests/" in to_facilitator.body
    client.force_login(fran)
    request = JoinRequest.objects.get()
    client.post(f"/groups/{group.slug}/requests/{request.pk}/approve/", {"note": ""})
    welcome = mail.outbox[-1]
    assert welcome.to == [lucia.email]
    assert welcome.subject == "[DBT Self-Help Groups] Te damos la bienvenida a Harlem Skills Circle"
    assert "Cómo asistir" in welcome.body and "How to attend" not in welcome.body
    assert "Cada martes, de 19:00 a 20:30" in welcome.body
    assert f"{SITE}/es/groups/{group.slug}/" in welcome.body
    assert f"{SITE}/groups/{group.slug}/" not in welcome.body
    html = welcome.alternatives[0][0]
    assert 'lang="es"' in html and "Cómo asistir" in html


def test_a_member_who_switches_to_spanish_gets_the_next_e_mail_in_spanish(client, db, moderator):
    fran = make_user("fran@example.org", "Fran")
    group = make_group(fran, name="Harlem Skills Circle", status=PeerGroup.Status.DRAFT)
    client.force_login(fran)
    client.post("/i18n/setlang/", {"language": "es", "next": "/es/groups/manage/"})
    group.status = PeerGroup.Status.PENDING
    group.save()
    with translation.override("en"):  # the moderator's English request, or a worker
        services.group_approve(group=group, by=moderator)
    approved = [m for m in mail.outbox if m.to == [fran.email]][-1]
    assert approved.subject == "[DBT Self-Help Groups] Tu grupo es público: Harlem Skills Circle"


def test_a_visitor_who_asked_in_spanish_hears_of_a_new_group_in_spanish_from_the_worker(client, db, moderator):
    client.post(
        "/es/groups/waiting/",
        {
            "latitude": 40.8116,
            "longitude": -73.955,
            "radius": 25,
            "units": "mi",
            "format": "either",
            "language": "",
            "email": "wren@example.org",
        },
    )
    confirm = mail.outbox[-1]
    assert confirm.subject == "[DBT Self-Help Groups] Confirma, por favor: avísame cuando empiece un grupo"
    request = alerts.WaitingRequest.objects.get()
    alerts.waiting_request_confirm(token=request.confirm_token, now=request.created_at)  # asked and confirmed now
    mail.outbox.clear()
    group = make_group(make_user("fran@example.org", "Fran"), name="Círculo Mente Sabia", status="pending")
    with translation.override("en"):  # the alert task runs as the worker would, in English
        services.group_approve(group=group, by=moderator)
    told = [m for m in mail.outbox if m.to == ["wren@example.org"]]
    assert len(told) == 1
    assert told[0].subject == "[DBT Self-Help Groups] Empezó un grupo: Círculo Mente Sabia"
    assert f"{SITE}/es/groups/{group.slug}/" in told[0].body


def test_an_address_without_an_account_gets_the_language_of_the_page_it_wrote_from(client, db):
    client.post(
        "/es/contact/",
        {"name": "Inés", "email": "ines@example.org", "topic": "other", "message": "Hola, una pregunta."},
    )
    copy = [m for m in mail.outbox if m.to == ["ines@example.org"]]
    assert copy and copy[0].subject == "[DBT Self-Help Groups] Recibimos tu mensaje"


def test_a_password_reset_asked_for_in_english_is_written_in_the_accounts_spanish(client, db):
    make_user("lucia@example.org", "Lucía", language="es")
    client.post("/accounts/password/reset/", {"email": "lucia@example.org"})
    reset = mail.outbox[-1]
    assert reset.to == ["lucia@example.org"]
    assert "/es/accounts/password/reset/key/" in reset.body
    assert "contraseña" in reset.body.lower() and "password reset" not in reset.body.lower()
