from django.conf import settings
from django.core.cache import cache


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
        "moderation_waiting": _waiting() if signed_in and user.is_moderator else 0,
    }


def _waiting():
    """The total of every moderation queue, cached for a minute (a few count queries)."""
    total = cache.get("moderation:waiting")
    if total is None:
        from groups.views.moderation import queue_counts

        total = sum(queue["count"] for queue in queue_counts())
        cache.set("moderation:waiting", total, 60)
    return total
