"""What the lessons app holds about a person: the testimonials they sent."""

from django.utils.translation import gettext_lazy as _

from .models import Testimonial

ERASURE_SUMMARY = [_("Testimonials you sent, published or not.")]


def export_user_data(user):
    return {
        "testimonials": [
            {"text": t.text, "shown_as": t.display_name, "status": t.status, "sent": t.created_at.isoformat()}
            for t in Testimonial.objects.filter(user=user)
        ]
    }


def erase_user_data(user):
    Testimonial.objects.filter(user=user).delete()
