"""Templated e-mail, kept in the outbox until it has gone.

The message is rendered when it is queued (templates/emails/<name>.txt, optional .html and
_subject.txt), each copy in its reader's language (send_templated_email), and kept in the
outbox (outbox.OutgoingEmail) in the caller's transaction, so it exists exactly when the
action that caused it does: callers wrap the action and its
e-mails in one `transaction.atomic()`. The first attempt is a task (`deliver_email`):

- with the database task backend (production), the task is a row saved in that same
  transaction, and `manage.py run_worker` sends it: no request ever waits for a mail server;
- with the immediate backend (`make run`, the tests) it runs once the transaction commits, in
  the request.

A mail server that refuses is logged, never raised to the person whose request caused the
e-mail; the worker's sweep (or `manage.py send_queued_email`) retries with backoff.
"""

import functools
import logging

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import translation

from outbox.services import email_attempt, email_queue

logger = logging.getLogger(__name__)


@functools.cache
def _text_engine():
    """Templates for plain-text parts and subjects: same folders, no HTML escaping."""
    return Engine(
        dirs=[settings.BASE_DIR / "templates"],
        app_dirs=True,
        autoescape=False,
        libraries={"i18n": "django.templatetags.i18n"},
        builtins=["dbtselfhelp.templatetags.when"],
    )


def render_text(name, context):
    """Plain text: nothing escaped (a notice saying "We're at St Mary's" reads so), and not marked
    safe, so the HTML part made from it escapes it."""
    text = _text_engine().get_template(name).render(Context(context, autoescape=False))
    return str.__str__(text)


def absolute_url(path):
    """A site path as a full address, for e-mails and calendars."""
    return f"{settings.SITE_URL}{path}"


def moderator_emails():
    """The addresses of active moderators (those holding accounts.moderate through a group)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__permissions__codename="moderate")
        .values_list("email", flat=True)
        .distinct()
    )


@task
def deliver_email(email_id):
    """The first attempt at an outbox message; send_queued_email makes the later ones."""
    email = email_attempt(email_id=email_id)
    if email is not None and email.sent_at is None:
        logger.error(
            "E-mail %s could not be sent; it is kept and will be retried: %s", email.template, email.error_kind
        )


def _first_attempt(email_id, template):
    try:
        result = deliver_email.enqueue(email_id)
    except Exception:
        # The task queue refused it. The message is kept: send_queued_email sends it.
        logger.exception("E-mail %s could not be handed to the task queue; it is kept and will be retried", template)
        return
    if result.status == TaskResultStatus.FAILED:
        # The immediate backend ran it at once and it broke before recording the attempt (the database
        # went away?). The message is kept: send_queued_email sends it once its claim expires.
        logger.error("E-mail %s: the first attempt failed: %s", template, result.errors[-1].exception_class_path)


def send_templated_email(*, template, to, context=None, reply_to=None, headers=None, language=None):
    """Render emails/<template> for each address in `to`, keep it in the outbox and send it after commit.
    Never raises on send. reply_to: a list of at most one address; headers: extra headers for every copy.

    Each copy is written in its reader's language: a member's is the one on their account; an
    address with no account gets `language` (a waiting-list visitor's, kept with the request) or,
    without one, the language of the request that causes the e-mail. Links to the site's pages in
    the context go to that language's version of the page."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    if reply_to and len(reply_to) > 1:
        raise ValueError("An e-mail has at most one reply-to address.")
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **(context or {})}
    with transaction.atomic():  # every recipient's copy, or none
        for reader_language, addresses in languages_of(recipients, default=language).items():
            localized = localized_links(context, reader_language)  # resolved in the language they were made in
            with translation.override(reader_language):
                subject, body, html = _render(template, localized)
            for address in addresses:
                queue_email(
                    to=address,
                    subject=f"[{settings.SITE_NAME}] {subject}",
                    body=body,
                    html=html,
                    reply_to=reply_to[0] if reply_to else "",
                    template=template,
                    headers=headers,
                )


def _render(template, context):
    subject = " ".join(render_text(f"emails/{template}_subject.txt", context).split())
    body = render_text(f"emails/{template}.txt", context)
    try:
        html = render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:
        html = render_to_string("emails/layout.html", {**context, "subject": subject, "text": body})
    return subject, body, html


def languages_of(addresses, *, default=None):
    """{language: [addresses]}: each member's account language; `default` (or the active language)
    for an address that has no account."""
    from django.contrib.auth import get_user_model

    from accounts.languages import current_language, supported

    fallback = supported(default) if default else current_language()
    known = dict(get_user_model().objects.filter(email__in=addresses).values_list("email", "language"))
    grouped = {}
    for address in addresses:
        grouped.setdefault(supported(known.get(address) or fallback), []).append(address)
    return grouped


def localized_links(context, language):
    """The context with each link to a page of the site (a string starting with SITE_URL, also inside
    lists and dicts) pointing to that page in `language`; links that are not pages in a language
    (calendars, the feed) stay as they are."""
    prefix = settings.SITE_URL + "/"

    def localized(value):
        if isinstance(value, str):
            return translate_url(value, language) if value.startswith(prefix) else value
        if isinstance(value, dict):
            return {key: localized(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(localized(item) for item in value)
        return value

    return localized(context)


def tasks_run_on_a_worker():
    """True when tasks are rows in the site's database, run by a worker (production); False with the
    immediate backend (make run, tests), where a task runs in the request that enqueues it."""
    return _queued_in_database()


def _queued_in_database():
    """True when tasks are rows in the site's database (django-tasks-db), run by a worker."""
    from django_tasks_db import DatabaseBackend

    return isinstance(deliver_email.get_backend(), DatabaseBackend)


def queue_email(*, to, subject, body, html="", reply_to="", template="", headers=None):
    """Keep one message in the outbox with the caller's transaction, and its first attempt: a task saved in
    the same transaction for the worker, or (immediate backend) a call once the transaction commits."""
    email = email_queue(
        to=to, subject=subject, body=body, html=html, reply_to=reply_to, template=template, headers=headers
    )
    if _queued_in_database():
        deliver_email.enqueue(email.pk)
    else:
        transaction.on_commit(functools.partial(_first_attempt, email.pk, template), robust=True)
