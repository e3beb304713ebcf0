from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .translations import TranslatedCharField, TranslatedJSONField, TranslatedTextField, is_translated


class SkillModule(models.Model):
    """One of the DBT skills modules: Mindfulness, Distress Tolerance, Emotion Regulation,
    Interpersonal Effectiveness."""

    slug = models.SlugField(_("slug"), unique=True)
    name = TranslatedCharField(_("name"), max_length=80)
    summary = TranslatedTextField(_("summary"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("skill module")
        verbose_name_plural = _("skill modules")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("lesson_module", args=[self.slug])

    @property
    def is_translated(self):
        """True when the active language has this module's text (or is English)."""
        return is_translated("skillmodule", self.slug)


class Skill(models.Model):
    """A DBT skill: DEAR MAN, TIPP, Wise Mind… with a summary and, where it has them, steps."""

    slug = models.SlugField(_("slug"), unique=True)
    name = TranslatedCharField(_("name"), max_length=80)
    expansion = TranslatedCharField(_("what the letters stand for"), max_length=300, blank=True)
    module = models.ForeignKey(
        SkillModule, verbose_name=_("skill module"), on_delete=models.PROTECT, related_name="skills"
    )
    summary = TranslatedTextField(_("summary"))
    steps = TranslatedJSONField(_("steps"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["module__order", "order", "name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("skill_detail", args=[self.slug])


DEFAULT_AUTHOR = gettext_noop("DBT Self-Help Groups editors")


class LessonQuerySet(models.QuerySet):
    def published(self):
        from django.utils import timezone

        return self.filter(status=Lesson.Status.PUBLISHED, published_at__lte=timezone.now())


class Lesson(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = TranslatedCharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), unique=True, max_length=160)
    module = models.ForeignKey(
        SkillModule, verbose_name=_("skill module"), on_delete=models.PROTECT, related_name="lessons"
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills taught"), blank=True, related_name="lessons")
    summary = TranslatedCharField(_("summary"), max_length=300)
    body = TranslatedTextField(_("body (Markdown)"))
    author = models.CharField(_("author"), max_length=120, default=DEFAULT_AUTHOR)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module__order", "order", "title"]
        indexes = [models.Index(fields=["status", "published_at"], name="lesson_status_published")]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("lesson_detail", args=[self.slug])

    @property
    def author_display(self):
        """The site's own byline in the page's language; a named author as written."""
        return gettext(self.author) if self.author == DEFAULT_AUTHOR else self.author

    @property
    def is_translated(self):
        """True when the active language has this lesson (or is English); otherwise the page shows the
        English with a one-line note in the page's language."""
        return is_translated("lesson", self.slug)

    def clean(self):
        from django.core.exceptions import ValidationError

        if SkillModule.objects.filter(slug=self.slug).exists():
            raise ValidationError({"slug": _("A skill module already uses this address.")})

    @property
    def reading_minutes(self):
        return max(1, round(len(self.body.split()) / 200))


class Testimonial(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    text = models.TextField(_("your words"), max_length=2000)
    display_name = models.CharField(
        _("name to show (optional)"),
        max_length=60,
        blank=True,
        help_text=_("A first name, initials or nothing at all. Left empty, it shows as “Anonymous”."),
    )
    consent = models.BooleanField(_("I agree that this may be published on this site"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="testimonials",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for not approving"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="testimonial_status_created")]
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")

    def __str__(self):
        return f"{self.shown_name}: {self.text[:40]}"

    @property
    def shown_name(self):
        return self.display_name or _("Anonymous")


class TestimonialEvent(models.Model):
    """The audit trail of a testimonial: sent, then approved or not by which moderator, and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Sent for review")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Not approved")

    testimonial = models.ForeignKey(Testimonial, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action} {self.created_at:%Y-%m-%d}"
