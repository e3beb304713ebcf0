from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info, gettext

from .emails import absolute_url
from .middleware import after_two_factor


def site(request):
    """The site's name, and for moderators how much waits in their queues, for the layout. A
    moderator without an authenticator app sees the link (it leads to setting one up), never the count."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "is_moderator": signed_in and user.holds_moderator_role,
        "moderation_waiting": _waiting(request) if signed_in and user.is_moderator else 0,
        "after_two_factor": after_two_factor(request),
    }


def _waiting(request):
    """The total of every moderation queue, counted on each page (a few indexed counts, for
    moderators only) from the same function as the console's own counts, so the two always
    agree: a cached total went on showing items a moderator had just decided."""
    from groups.views.moderation import queue_counts

    queues = getattr(request, "moderation_queues", None)  # the console's own, when it is the page
    return sum(queue["count"] for queue in (queues if queues is not None else queue_counts()))


def languages(request):
    """For the layout: the page in each other language (the switcher, `hreflang` alternates) and, for a
    visitor whose browser or account prefers another language and who has not chosen one yet, an offer
    of the page in it, worded in that language."""
    from accounts.languages import language_name, supported

    current = translation.get_language()
    full_path = request.get_full_path()
    others = [
        {"code": code, "name": language_name(code), "url": path_in_language(full_path, code)}
        for code, _name in settings.LANGUAGES
        if code != current
    ]
    alternates = []
    if getattr(request, "resolver_match", None) is not None:  # a real page, not an error page
        alternates = [
            {"code": code, "url": absolute_url(path_in_language(request.path, code))}
            for code, _name in settings.LANGUAGES
        ]
    offer = None
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    # Offered on arrival (a shared link, a search engine), never to someone already moving around the
    # site: they have seen the switcher, and may have just used it.
    arriving = urlsplit(request.META.get("HTTP_REFERER", "")).netloc != request.get_host()
    if chosen is None and arriving and request.method == "GET":
        user = getattr(request, "user", None)
        preferred = user.language if user is not None and user.is_authenticated else _browser_language(request)
        preferred = supported(preferred) if preferred else None
        if preferred and preferred != current:
            offer = next((other for other in others if other["code"] == preferred), None)
            if offer is not None:
                # Worded in the offered language, with language names as they are written mid-sentence.
                named = get_language_info(preferred)["name_local"]
                with translation.override(preferred):
                    stay = get_language_info(current)["name_translated"]
                    offer = {
                        **offer,
                        "text": gettext("This page is also in %(language)s.") % {"language": named},
                        "accept": gettext("Read it in %(language)s") % {"language": named},
                        "decline_language": current,
                        "decline": gettext("Stay in %(language)s") % {"language": stay},
                    }
    return {"other_languages": others, "alternates": alternates, "language_offer": offer}


def path_in_language(path, code):
    """The same page in another language: /es/groups/?q=x <-> /groups/?q=x. Every page's address is the
    same in each language but for the prefix (i18n_patterns, English without one), so this holds for
    error pages too, which Django's translate_url cannot resolve."""
    from .middleware import strip_language_prefix

    bare = strip_language_prefix(path)
    return bare if code == settings.LANGUAGE_CODE else f"/{code}{bare}"


def _browser_language(request):
    """The first of the site's languages the browser asks for (Accept-Language), or None."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    codes = dict(settings.LANGUAGES)
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        base = code.split("-")[0].lower()
        if base in codes:
            return base
        if code == "*":
            return None
    return None
