"""allauth, adapted: its e-mails (verification, password reset, security notices) go through the
outbox like every other e-mail, so a mail server that refuses delays them instead of losing them."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from dbtselfhelp.emails import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        with transaction.atomic():  # every recipient's copy, or none (the view's transaction holds the rest)
            for address in message.to:
                queue_email(to=address, subject=message.subject, body=message.body, html=html,
                            template=template_prefix.rsplit("/", 1)[-1])  # fmt: skip
