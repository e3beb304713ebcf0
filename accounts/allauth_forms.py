"""allauth's sign-up and add-e-mail forms, made to do the same work and say the same thing whether
or not the address already has an account, so neither the page nor its timing tells a stranger.

(A separate module from accounts.forms: allauth's forms import that one for the sign-up fields.)"""

from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib import messages
from django.contrib.auth.hashers import make_password

CONFIRMATION_SENT = "account/messages/email_confirmation_sent.txt"


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        """For an address that has an account allauth creates nothing and sends a note to it; a new
        account costs a password hash on top. Hash this password too (and throw the hash away), so
        both answers take as long: the page and the e-mail sent are already the same."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)


class AddEmailForm(AllauthAddEmailForm):
    def save(self, request):
        """Say "confirmation e-mail sent" every time. allauth says it only when it sent one, and it
        sends none to an address that had one in the last few minutes (or over our limits), which
        told a stranger which addresses had just been used."""
        email_address = super().save(request)
        if not getattr(request, "_confirmation_message_added", False):
            get_adapter(request).add_message(
                request,
                messages.INFO,
                CONFIRMATION_SENT,
                {"email": self.cleaned_data["email"], "login": False, "signup": False},
            )
        return email_address
