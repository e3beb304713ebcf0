"""What the accounts app holds about a person, for export and erasure."""

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

ERASURE_SUMMARY = [
    _("Your account: e-mail addresses, display name, password and sign-in history."),
    _("Your professional endorsement, if you made one, with its license details and history."),
    _("Messages you sent through the contact page from your e-mail address."),
]


def export_user_data(user):
    from .models import ContactMessage, ProfessionalProfile

    profile = ProfessionalProfile.objects.filter(user=user).first()
    return {
        "professional_profile": None
        if profile is None
        else {
            "public_name": profile.public_name,
            "profession": profile.profession,
            "credentials": profile.credentials,
            "licence_number": profile.licence_number,
            "licence_region": profile.licence_region,
            "organisation": profile.organisation,
            "website": profile.website,
            "statement": profile.statement,
            "status": profile.status,
        },
        "contact_messages": [
            {"topic": m.topic, "message": m.message, "sent": m.created_at.isoformat()}
            for m in ContactMessage.objects.filter(email__iexact=user.email)
        ],
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "time_zone": user.time_zone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
        },
    }


def erase_user_data(user):
    # The user row itself is deleted by accounts.services.delete_account, which
    # cascades to e-mail addresses and sessions' owners.
    from .models import ContactMessage

    ContactMessage.objects.filter(email__iexact=user.email).delete()
    EmailAddress.objects.filter(user=user).delete()
