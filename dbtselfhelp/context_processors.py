from django.conf import settings

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
