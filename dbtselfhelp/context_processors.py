from django.conf import settings


def site(request):
    """The site's name and whether the signed-in user is a moderator, for the layout."""
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "is_moderator": bool(user and user.is_authenticated and user.is_moderator),
    }
