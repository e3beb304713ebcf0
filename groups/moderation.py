"""The groups app's queues, for the moderation console and the moderators' navigation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import PeerGroup, Report


def queue_summaries():
    console = reverse("moderation")
    return [
        {"name": _("New listings"), "url": console + "#pending", "count": PeerGroup.objects.needing_review().count()},
        {
            "name": _("Changed listings"),
            "url": console + "#changed",
            "count": PeerGroup.objects.changed_since_review().count(),
        },
        {
            "name": _("Reports"),
            "url": console + "#reports",
            "count": Report.objects.filter(status=Report.Status.OPEN).count(),
        },
    ]
