"""What the accounts app holds about a person, for export and erasure."""

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

ERASURE_SUMMARY = [
    _("Your account: e-mail addresses, display name, password and sign-in history."),
]


def export_user_data(user):
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
        }
    }


def erase_user_data(user):
    # The user row itself is deleted by accounts.services.delete_account, which
    # cascades to e-mail addresses and sessions' owners.
    EmailAddress.objects.filter(user=user).delete()
