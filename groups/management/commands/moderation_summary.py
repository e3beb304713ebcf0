from django.core.management.base import BaseCommand
from django.urls import set_urlconf

from dbtselfhelp.emails import moderator_emails, send_templated_email
from groups.views.moderation import queue_counts


class Command(BaseCommand):
    help = "E-mail moderators a summary of every queue. Safe to run weekly from cron (it only reads and sends)."

    def handle(self, *args, **options):
        set_urlconf(None)
        queues = queue_counts()
        moderators = moderator_emails()
        send_templated_email(
            template="moderation_summary",
            to=moderators,
            context={"queues": queues, "total": sum(q["count"] for q in queues)},
        )
        self.stdout.write(
            f"Sent the summary ({sum(q['count'] for q in queues)} waiting) to {len(moderators)} moderator(s)."
        )
