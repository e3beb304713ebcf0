import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dbtselfhelp.zones import is_zone, zone_choices

from .languages import current_language, language_name
from .models import ContactMessage, ProfessionalProfile, User


def language_choices():
    return [(code, language_name(code)) for code, _name in settings.LANGUAGES]


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up form."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("Shown to others instead of your e-mail address. A first name or a nickname is fine."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Please give a display name."))
        if "@" in name:
            raise forms.ValidationError(_("A display name cannot contain “@”, so it is never an e-mail address."))
        return name

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.language = current_language()  # the language they signed up in, for the e-mails to come
        user.save(update_fields=["display_name", "language"])


class AccountForm(forms.ModelForm):
    """What a member sets about themselves: the name others see, their own time zone and language."""

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language by its own name ("Español"), as a person looking for theirs would read it.
        self.fields["language"].widget = forms.Select(choices=language_choices())
        self.fields["language"].required = False  # a form sent without it keeps the one on the account
        self.fields["time_zone"].widget = forms.Select(
            choices=zone_choices(current=self.instance.time_zone, empty_label=_("Not set: use my browser's"))
        )

    def clean_display_name(self):
        return SignupForm.clean_display_name(self)

    def clean_language(self):
        language = self.cleaned_data["language"] or self.instance.language
        if language not in dict(settings.LANGUAGES):
            raise forms.ValidationError(_("Please choose a language from the list."))
        return language

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        if zone and not is_zone(zone):
            raise forms.ValidationError(_("Please choose a time zone from the list."))
        return zone


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right."))
        return password


def _credential_tokens(text):
    """'PhD, LCSW; DBT-Linehan Board Certified' -> ['PhD', 'LCSW', 'DBT-Linehan Board Certified']."""
    return [part.strip(" .") for part in re.split(r"[,;/]", text or "") if part.strip(" .")]


def repeated_credentials(name, credentials):
    """The credentials that also stand in the name, as "Dana Lee, LPC, MA" with "LPC, MA" does:
    compared part by part after the first comma, ignoring case and full stops."""
    if "," not in (name or ""):
        return []
    in_name = {token.replace(".", "").casefold() for token in _credential_tokens(name.split(",", 1)[1])}
    return [c for c in _credential_tokens(credentials) if c.replace(".", "").casefold() in in_name]


class ProfessionalForm(forms.ModelForm):
    class Meta:
        model = ProfessionalProfile
        fields = [
            "public_name",
            "profession",
            "credentials",
            "licence_number",
            "licence_region",
            "organisation",
            "website",
            "statement",
            "open_to_contact",
            "consent",
        ]
        widgets = {"statement": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        data = super().clean()
        name, credentials = data.get("public_name", ""), data.get("credentials", "")
        repeated = repeated_credentials(name, credentials)
        if repeated:
            self.add_error(
                "public_name",
                _(
                    "Give your name without %(which)s: the page shows your credentials after your name, "
                    "so they would appear twice."
                )
                % {"which": ", ".join(f"“{c}”" for c in repeated)},
            )
        return data

    def clean_consent(self):
        if not self.cleaned_data["consent"]:
            raise forms.ValidationError(_("We can only list you with your consent."))
        return True

    def clean_website(self):
        url = self.cleaned_data["website"]
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Enter a web address starting with https://."))
        return url


class ContactForm(forms.ModelForm):
    # A field people never see (hidden by CSS, skipped by keyboard and screen readers):
    # anything typed here comes from a robot.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "topic", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
