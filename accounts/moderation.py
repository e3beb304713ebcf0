"""The accounts app's queues, for the moderation console's navigation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import ContactMessage, ProfessionalProfile


def queue_summaries():
    return [
        {
            "name": _("Professional applications"),
            "url": reverse("moderation_professionals"),
            "count": ProfessionalProfile.objects.pending().count(),
        },
        {
            "name": _("Contact messages"),
            "url": reverse("moderation_messages"),
            "count": ContactMessage.objects.filter(status=ContactMessage.Status.NEW).count(),
        },
    ]
