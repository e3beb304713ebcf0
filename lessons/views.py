from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dbtselfhelp.access import moderator_required, verified_member_required
from dbtselfhelp.errors import refusals_shown
from dbtselfhelp.jsonld import as_script
from dbtselfhelp.markdown import render_site_content
from dbtselfhelp.ratelimits import rate_limited

from . import crisis, services
from . import search as lesson_search
from .forms import TestimonialForm
from .jsonld import article_jsonld
from .models import Lesson, Skill, SkillModule, Testimonial


def crisis_lines_for(request):
    """The crisis lines to show first: the visitor's country's where it is known, else every country's."""
    found = crisis.lines_for(crisis.country_from_request(request))
    places = [found] if found else [row for code, row in crisis.lines_table().items() if code != "IE"]
    return [
        {"where": where, "lines": [(line, crisis.links(line)) for line in lines], "emergency": emergency}
        for lines, where, emergency in places
    ]


def _visible_lessons(request):
    lessons = Lesson.objects.all() if request.user.is_staff else Lesson.objects.published()
    return lessons.select_related("module")


def lesson_index(request):
    """The modules and their lessons, or search results for ?q=."""
    raw = request.GET.get("q", "")
    if "q" in request.GET:
        query = lesson_search.clean_query(raw)
        if not query:
            message = _("Type a word or two to search for, such as “wise mind” or “validation”.")
            return render(request, "lessons/search.html", {"q": raw[:100], "message": message}, status=400)
        results = lesson_search.search(query, raw=raw)
        context = {
            "q": query,
            "lessons": results.lessons,
            "skills": results.skills,
            "needs": results.needs,
            "crisis": results.crisis,
        }
        if results.crisis:
            context["crisis_lines"] = crisis_lines_for(request)
        return render(request, "lessons/search.html", context)
    modules = SkillModule.objects.prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.published().order_by("order", "title"), to_attr="published_lessons")
    )
    return render(request, "lessons/index.html", {"modules": modules})


def lesson_or_module(request, slug):
    """/lessons/<slug>/ is a module's page when the slug names a module, else a lesson's."""
    module = SkillModule.objects.filter(slug=slug).first()
    if module is not None:
        lessons = Lesson.objects.published().filter(module=module).prefetch_related("skills")
        skills = module.skills.all()
        return render(request, "lessons/module.html", {"module": module, "lessons": lessons, "skills": skills})
    lesson = get_object_or_404(_visible_lessons(request).prefetch_related("skills"), slug=slug)
    siblings = list(Lesson.objects.published().filter(module=lesson.module).values_list("slug", "title"))
    index = next((i for i, (s, _title) in enumerate(siblings) if s == lesson.slug), None)
    previous = siblings[index - 1] if index else None
    following = siblings[index + 1] if index is not None and index + 1 < len(siblings) else None
    url = request.build_absolute_uri(lesson.get_absolute_url())
    context = {
        "lesson": lesson,
        "body": render_site_content(lesson.body),
        "previous": previous,
        "next": following,
        "canonical": url,
        "jsonld": as_script(article_jsonld(lesson, url=url)) if lesson.status == Lesson.Status.PUBLISHED else "",
    }
    return render(request, "lessons/lesson.html", context)


def skill_list(request):
    modules = SkillModule.objects.prefetch_related(
        Prefetch("skills__lessons", queryset=Lesson.objects.published().order_by("order", "title"))
    )
    return render(request, "lessons/skills.html", {"modules": modules})


def skill_detail(request, slug):
    skill = get_object_or_404(Skill.objects.select_related("module"), slug=slug)
    lessons = Lesson.objects.published().filter(skills=skill)
    return render(request, "lessons/skill.html", {"skill": skill, "lessons": lessons})


def testimonial_list(request):
    testimonials = Testimonial.objects.filter(status=Testimonial.Status.APPROVED).order_by("-reviewed_at", "-pk")
    return render(request, "lessons/testimonials.html", {"testimonials": testimonials[:100]})


@verified_member_required
@rate_limited("testimonial")
def testimonial_create(request):
    form = TestimonialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.testimonial_submit(testimonial=form.save(commit=False), by=request.user)
        messages.success(request, _("Thank you. A moderator will read it before it is published."))
        return redirect("testimonial_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "lessons/testimonial_form.html", {"form": form}, status=status)


@moderator_required
def moderation_testimonials(request):
    pending = Testimonial.objects.filter(status=Testimonial.Status.PENDING).order_by("created_at")
    decided = Testimonial.objects.exclude(status=Testimonial.Status.PENDING).select_related("reviewed_by")
    return render(
        request,
        "lessons/moderation_testimonials.html",
        {"pending": pending, "decided": decided.order_by("-reviewed_at")[:30]},
    )


@require_POST
@moderator_required
@refusals_shown(redirect_to="moderation_testimonials")
def moderation_testimonial_decide(request, pk, action):
    testimonial = get_object_or_404(Testimonial, pk=pk, status=Testimonial.Status.PENDING)
    if action == "approve":
        services.testimonial_approve(testimonial=testimonial, by=request.user)
    else:
        reason = request.POST.get("reason", "")[:2000]
        services.testimonial_reject(testimonial=testimonial, by=request.user, reason=reason)
    messages.success(request, _("Published.") if action == "approve" else _("Rejected."))
    return redirect("moderation_testimonials")


class LessonFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("DBT skills lessons")
    subtitle = gettext_lazy("Practical lessons on DBT skills, from DBT Self-Help Groups.")

    def link(self):
        return reverse("lesson_index")

    def items(self):
        return Lesson.objects.published().select_related("module").order_by("-published_at")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author

    def item_categories(self, item):
        return [item.module.name]
