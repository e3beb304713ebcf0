"""The language a person reads the site in, and the one their e-mails are written in.

The address decides the page's language (English at the root, /es/ for Spanish: i18n_patterns); a
member's choice is kept on their account (`User.language`): set when they sign up (the language of
the page they signed up on), when they use the switcher, and on their account page. Every e-mail to
a member is rendered in it (dbtselfhelp/emails.py), whoever or whatever sends it."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info


def current_language():
    """The active language's code as settings.LANGUAGES spells it ("es" for "es-mx"), English otherwise."""
    return supported(translation.get_language())


def supported(code):
    """`code` as one of settings.LANGUAGES ("es-mx" -> "es"), or the default language."""
    codes = dict(settings.LANGUAGES)
    if code in codes:
        return code
    base = (code or "").split("-")[0].lower()
    return base if base in codes else settings.LANGUAGE_CODE


def language_name(code):
    """A language in its own words, capitalised: "English", "Español"."""
    return get_language_info(code)["name_local"].capitalize()
