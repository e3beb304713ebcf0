"""The lessons app's queue, for the moderators' navigation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Testimonial


def queue_summaries():
    return [
        {
            "name": _("Testimonials"),
            "url": reverse("moderation_testimonials"),
            "count": Testimonial.objects.filter(status=Testimonial.Status.PENDING).count(),
        }
    ]
