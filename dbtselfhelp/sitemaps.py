"""The sitemap of public pages: lessons, skills, modules, information pages, published groups."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from dbtselfhelp.pages import INFORMATION_PAGES, url_name
from groups.models import PeerGroup
from lessons.models import Lesson, Skill, SkillModule


class Sitemap(Sitemap):
    """Every page in each language (settings.LANGUAGES), each entry naming its other-language versions."""

    i18n = True
    alternates = True
    x_default = True


class LessonSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Lesson.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class SkillSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Skill.objects.order_by("pk")


class ModuleSitemap(Sitemap):
    def items(self):
        return SkillModule.objects.order_by("pk")


class PageSitemap(Sitemap):
    def items(self):
        pages = ["home", "group_list", "lesson_index", "skill_list", "testimonial_list", "professional_list"]
        return [*pages, *(url_name(slug) for slug in INFORMATION_PAGES)]

    def location(self, item):
        return reverse(item)


class GroupSitemap(Sitemap):
    changefreq = "weekly"
    limit = 10000

    def items(self):
        return PeerGroup.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "lessons": LessonSitemap,
    "skills": SkillSitemap,
    "modules": ModuleSitemap,
    "groups": GroupSitemap,
}
