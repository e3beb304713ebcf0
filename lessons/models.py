from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SkillModule(models.Model):
    """One of the DBT skills modules: Mindfulness, Distress Tolerance, Emotion Regulation,
    Interpersonal Effectiveness."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    summary = models.TextField(_("summary"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("skill module")
        verbose_name_plural = _("skill modules")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        try:
            return reverse("lesson_module", args=[self.slug])
        except Exception:  # noqa: BLE001 - the lessons pages may not be installed yet
            return ""
