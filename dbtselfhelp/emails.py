"""Templated e-mail, sent through Django's tasks framework.

The message is rendered in the request (templates/emails/<name>.txt, optional .html and
_subject.txt) and handed to a task. With the immediate backend the task runs at once; a
deployment can configure a queue and run a worker. A mail server that fails is logged,
never raised to the person whose request caused the e-mail.
"""

import logging
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import TaskResultStatus, task
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


@cache
def _text_engine():
    """Templates for plain-text parts and subjects: same folders, no HTML escaping."""
    return Engine(
        dirs=[settings.BASE_DIR / "templates"],
        app_dirs=True,
        autoescape=False,
        libraries={"i18n": "django.templatetags.i18n"},
    )


def render_text(name, context):
    return _text_engine().get_template(name).render(Context(context))


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
def deliver_email(*, subject, body, html, to, reply_to=None):
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, reply_to=reply_to or None)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def send_templated_email(*, template, to, context=None, reply_to=None):
    """Render emails/<template> for each address in `to` and queue it. Never raises on send."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **(context or {})}
    subject = " ".join(render_text(f"emails/{template}_subject.txt", context).split())
    body = render_text(f"emails/{template}.txt", context)
    try:
        html = render_to_string(f"emails/{template}.html", context)
    except TemplateDoesNotExist:
        html = render_to_string("emails/layout.html", {**context, "subject": subject, "text": body})
    for address in recipients:
        try:
            result = deliver_email.enqueue(
                subject=f"[{settings.SITE_NAME}] {subject}", body=body, html=html, to=[address], reply_to=reply_to
            )
        except Exception:
            # The queue itself refused the task. The caller's work is already saved.
            logger.exception("E-mail %s could not be queued", template)
            continue
        if result.status == TaskResultStatus.FAILED:
            # The immediate backend ran it at once and the mail server refused it.
            logger.error("E-mail %s could not be sent: %s", template, result.errors[-1].exception_class_path)
