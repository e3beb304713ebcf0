from django.conf import settings


def site(request):
    """The site's name and whether the signed-in user is a moderator, for the layout."""
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "is_moderator": bool(user and user.is_authenticated and user.is_moderator),
    }
