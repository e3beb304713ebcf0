"""Contact messages: sent from the contact page, kept for moderators, handled by one of them.

Writes here, views call these. Each message keeps its trail (ContactMessageEvent): received,
then handled by whom and when, the way listings and applications keep theirs. A refusal is a
dbtselfhelp.errors.ActionRefused.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dbtselfhelp.access import require_moderator
from dbtselfhelp.emails import send_templated_email
from dbtselfhelp.errors import LimitReached, WrongState
from dbtselfhelp.ratelimits import allow_email

from .models import ContactMessage, ContactMessageEvent

# Messages one address may send in an hour.
PER_ADDRESS_PER_HOUR = 3

Action = ContactMessageEvent.Action


def _record(message, action, *, by=None, note=""):
    ContactMessageEvent.objects.create(message=message, actor=by, action=action, note=note)


def _over_limit(email):
    since = timezone.now() - timedelta(hours=1)
    return ContactMessage.objects.filter(email__iexact=email, created_at__gte=since).count() >= PER_ADDRESS_PER_HOUR


@transaction.atomic
def contact_message_send(*, message: ContactMessage, sender: str, submission=None) -> ContactMessage | None:
    """Keep a message to the site and e-mail it to the contact address, with a copy to the sender;
    the message, both e-mails and the form's token (dbtselfhelp.submissions) are saved together.
    None when the form was acted on already. The copy goes to an address the sender typed: it is
    limited per sender (`sender`, a rate-limit key) and per address, so the form cannot be used
    to send strangers mail (the message itself still reaches the site)."""
    if _over_limit(message.email):
        raise LimitReached(_("You have sent several messages in the last hour. Please try again later."))
    if submission is not None and not submission.record():
        return None
    message.save()
    _record(message, Action.RECEIVED)
    context = {"message": message}
    send_templated_email(
        template="contact_message", to=[settings.CONTACT_EMAIL], context=context, reply_to=[message.email]
    )
    if allow_email("contact_confirmation", sender=sender, recipient=message.email):
        send_templated_email(template="contact_confirmation", to=[message.email], context=context)
    return message


@transaction.atomic
def contact_message_handle(*, message: ContactMessage, by) -> None:
    """A moderator marks a new message as handled (answered, or nothing to answer)."""
    require_moderator(by)
    if message.status != ContactMessage.Status.NEW:
        raise WrongState(_("This message has already been handled."))
    message.status = ContactMessage.Status.HANDLED
    message.handled_by = by
    message.handled_at = timezone.now()
    message.save(update_fields=["status", "handled_by", "handled_at"])
    _record(message, Action.HANDLED, by=by)
