"""The language switcher (Django's set_language, and the account remembers the choice)."""

from django.conf import settings
from django.views.i18n import set_language as django_set_language

from ..models import User


def remember_language(response, language):
    """The language cookie, as Django's set_language sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request):
    """Django's set_language (a POST of `language` and `next`: the same page in that language, and the
    cookie), and for a member the account keeps it: their e-mails are written in it from now on."""
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    user = request.user
    if language in dict(settings.LANGUAGES) and user.is_authenticated and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
    return response
