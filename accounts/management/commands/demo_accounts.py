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


class Command(BaseCommand):
    help = "Create the demo accounts (for local use only) and print how to sign in."

    def handle(self, *args, **options):
        for email, name, role in DEMO_ACCOUNTS:
            ensure_demo_account(email, name, moderator=role == "moderator")
        self.stdout.write("Demo accounts (local use only), password for each: " + DEMO_PASSWORD)
        for email, _, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<13} {email}")
