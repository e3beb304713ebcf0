"""What the outbox holds about a person: e-mail to their address, or sent for them, not yet deleted."""

from django.utils.translation import gettext_lazy as _

from .models import OutgoingEmail

ERASURE_SUMMARY = [
    _("E-mail to your address, or sent for you, that the site still holds (sent e-mail is kept for 7 days)."),
]


def export_user_data(user):
    return {
        "emails": [
            {
                "to": email.to,
                "subject": email.subject,
                "text": email.body,
                "queued": email.created_at,
                "sent": email.sent_at,
                "status": str(email.status),
            }
            for email in OutgoingEmail.objects.for_address(user.email).order_by("created_at")
        ]
    }


def erase_user_data(user):
    OutgoingEmail.objects.for_address(user.email).delete()
