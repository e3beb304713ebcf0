"""allauth, adapted: its e-mails (verification, password reset, security notices) go through the
outbox like every other e-mail, so a mail server that refuses delays them instead of losing them;
they name the site from SITE_NAME and link to SITE_URL; and those sent to an address someone typed
are limited per sender and per recipient."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from dbtselfhelp.context_processors import path_in_language
from dbtselfhelp.emails import absolute_url, languages_of, localized_links, queue_email
from dbtselfhelp.ratelimits import allow_email, sender_key

from . import lockout

# allauth's e-mails whose address was typed by whoever made the request (rather than being the
# signed-in person's own): each counts against EMAIL_LIMITS["account"], and past it is not sent.
# The page says the same either way, as allauth's enumeration prevention already requires.
TYPED_ADDRESS_TEMPLATES = {
    "email_confirmation",
    "email_confirmation_signup",
    "account_already_exists",
    "unknown_account",
    "password_reset_key",
}
# Links allauth builds from the request's host in these two notes; ours come from SITE_URL. (In the
# password reset e-mail, password_reset_url is the reset link itself: get_reset_password_from_key_url.)
LINKS = {"signup_url": "account_signup", "password_reset_url": "account_reset_password"}
NOTES = {"account_already_exists", "unknown_account"}


def site():
    """What allauth's templates call current_site: the site's own name and address, not the request's host."""
    return SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        """allauth's per-address limits, then ours per account (accounts.lockout), both rolled
        back by allauth when the password is right."""
        super().pre_authenticate(request, **credentials)
        account = lockout.password_account(credentials.get("email") or credentials.get("username"))
        usage = lockout.spend_attempt(request, account)
        if usage is None:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        if self._login_failed_rl_usage:
            self._login_failed_rl_usage.usage.extend(usage.usage)

    def get_login_redirect_url(self, request):
        """Where allauth sends someone who has just signed in, in the language their account keeps."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "language", "")
        if language in dict(settings.LANGUAGES) and url.startswith("/"):
            return path_in_language(url, language)
        return url

    def get_logout_redirect_url(self, request):
        """After signing out, the home page in the language of the page they signed out from."""
        return path_in_language(super().get_logout_redirect_url(request), translation.get_language())

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        lockout.remember_device(request, response, user)
        return response

    def send_mail(self, template_prefix, email, context):
        name = template_prefix.rsplit("/", 1)[-1]
        if name in TYPED_ADDRESS_TEMPLATES and not allow_email(
            "account", sender=sender_key(self.request), recipient=email
        ):
            return
        if name in NOTES:
            context = {**context, **{key: absolute_url(reverse(url)) for key, url in LINKS.items() if key in context}}
        # In the reader's language: their account's, or the page's for an address with no account.
        language = next(iter(languages_of([email])))
        context = localized_links(context, language)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, {"email": email, **context, "current_site": site()})
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        with transaction.atomic():  # every recipient's copy, or none (the view's transaction holds the rest)
            for address in message.to:
                queue_email(to=address, subject=message.subject, body=message.body, html=html, template=name)

    def get_email_confirmation_url(self, request, emailconfirmation):
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key):
        uidb36, _, token = key.partition("-")  # allauth's key is "<user id in base 36>-<token>"
        return absolute_url(reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": token}))

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        if message_template == "account/messages/email_confirmation_sent.txt":
            request._confirmation_message_added = True  # accounts.allauth_forms.AddEmailForm reads it
        return super().add_message(request, level, message_template, message_context, extra_tags, message=message)
