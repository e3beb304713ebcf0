from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from accounts.models import MODERATORS_GROUP, User

DEMO_PASSWORD = "practise-wise-mind"

DEMO_ACCOUNTS = [
    ("member@example.org", "Sam (member)", "member"),
    ("facilitator@example.org", "Alex (facilitator)", "facilitator"),
    ("moderator@example.org", "Jordan (moderator)", "moderator"),
    ("professional@example.org", "Dr Rivera (professional)", "professional"),
]


def ensure_demo_account(email, display_name, *, moderator=False):
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": display_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if moderator:
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        user.groups.add(group)
    return user


DEMO_ENDORSERS = [
    # (e-mail, public name, profession, credentials, region, statement)
    ("professional@example.org", "Dr Morgan Rivera", "psychologist", "PhD", "NY",
     "People who finish a DBT program often tell me the hardest part is keeping the skills going. "
     "Practising with peers who speak the same language is one of the best ways I know."),
    ("endorser2@demo.invalid", "Priya Shah", "social_worker", "LCSW", "IL",
     "A steady peer group gives skills a place to live between the crises and the good days."),
    ("endorser3@demo.invalid", "Tom Okafor", "dbt_therapist", "MSc, DBT-trained", "England",
     "Peer practice is not therapy, and that is its strength: it belongs to the people who use the skills."),
]  # fmt: skip


def ensure_demo_endorsers():
    from django.utils import timezone

    from accounts.models import ProfessionalProfile

    for email, name, profession, credentials, region, statement in DEMO_ENDORSERS:
        user = ensure_demo_account(email, name)
        ProfessionalProfile.objects.get_or_create(
            user=user,
            defaults={
                "public_name": name, "profession": profession, "credentials": credentials,
                "licence_number": "DEMO-0000", "licence_region": region, "statement": statement,
                "open_to_contact": True, "consent": True, "status": "verified", "verified_at": timezone.now(),
            },
        )  # fmt: skip


class Command(BaseCommand):
    help = "Create the demo accounts (for local use only) and print how to sign in."

    def handle(self, *args, **options):
        for email, name, role in DEMO_ACCOUNTS:
            ensure_demo_account(email, name, moderator=role == "moderator")
        ensure_demo_endorsers()
        self.stdout.write("Demo accounts (local use only), password for each: " + DEMO_PASSWORD)
        for email, _, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<13} {email}")
