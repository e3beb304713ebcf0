from django.core.management.base import BaseCommand
from django.utils import timezone

from lessons.models import Testimonial

DEMO = [
    ("R.", "When my program ended I was scared the skills would fade. Having a group that meets every Tuesday "
           "means I still say DEAR MAN out loud at least once a week, and it still works."),
    ("", "I used to think radical acceptance meant giving up. Hearing other people talk about their own "
         "examples is what finally made it make sense to me."),
    ("Marcus", "Our group starts with five minutes of mindfulness. Some weeks it is the only five quiet "
               "minutes I get, and I notice the difference."),
]  # fmt: skip


class Command(BaseCommand):
    help = "Add a few approved demo testimonials, once."

    def handle(self, *args, **options):
        if Testimonial.objects.exists():
            self.stdout.write("Testimonials already exist.")
            return
        for name, text in DEMO:
            Testimonial.objects.create(text=text, display_name=name, consent=True, status="approved",
                                       reviewed_at=timezone.now())  # fmt: skip
        self.stdout.write(f"Added {len(DEMO)} demo testimonials.")
