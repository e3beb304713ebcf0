"""The moderators' console: new and changed listings, reports, archived listings."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dbtselfhelp.errors import refusals_shown

from .. import services
from ..access import moderator_required
from ..forms import OptionalNoteForm, QuestionForm, ReasonForm
from ..models import GroupFacilitator, ListingEvent, PeerGroup, Report


def queue_counts():
    """Every queue with its count, for the console and the moderators' navigation: the modules
    in settings.MODERATION_QUEUES, each with its queue_summaries()."""
    return [queue for path in settings.MODERATION_QUEUES for queue in import_module(path).queue_summaries()]


@moderator_required
def console(request):
    pending = PeerGroup.objects.needing_review().order_by("submitted_at", "pk")
    changed = PeerGroup.objects.changed_since_review().order_by("updated_at", "pk")
    reports = list(Report.objects.filter(status=Report.Status.OPEN).select_related("group", "reporter"))
    for report in reports:
        report.ask_form = QuestionForm(prefix=f"ask-{report.pk}")
    archived = (
        ListingEvent.objects.filter(
            action=ListingEvent.Action.ARCHIVED, created_at__gte=timezone.now() - timedelta(days=30)
        )
        .select_related("group", "actor")
        .order_by("-created_at")[:50]
    )
    request.moderation_queues = queue_counts()  # the header's total is the sum of these very counts
    context = {
        "queues": request.moderation_queues,
        "pending": pending,
        "changed": changed,
        "reports": reports,
        "archived": archived,
    }
    return render(request, "groups/moderation/console.html", context)


@moderator_required
def review_group(request, slug):
    group = get_object_or_404(
        PeerGroup.objects.select_related("module", "reviewed_by").prefetch_related(
            "meeting_times",
            "audiences",
            Prefetch("facilitators", queryset=GroupFacilitator.objects.select_related("user")),
        ),
        slug=slug,
    )
    reports = list(group.reports.select_related("reporter").order_by("-created_at"))
    for report in reports:
        report.ask_form = QuestionForm(prefix=f"ask-{report.pk}") if report.status == Report.Status.OPEN else None
    context = {
        "group": group,
        "changes": group.changes_since_review() if group.review_snapshot else [],
        "reports": reports,
        "history": group.events.select_related("actor"),
        "approve_form": OptionalNoteForm(prefix="approve"),
        "reject_form": ReasonForm(prefix="reject"),
        "unpublish_form": ReasonForm(prefix="unpublish"),
        "archive_form": OptionalNoteForm(prefix="archive"),
    }
    return render(request, "groups/moderation/review.html", context)


def _review_page(request, slug, **kwargs):
    return reverse("moderation_group", args=[slug])


def _decide(request, slug, *, form_class, prefix, action, done):
    """A moderator's decision on a listing. Which states it can be taken from, and what it needs
    (a reason to reject or unpublish), are the services' rules: a refusal comes back to the
    review page as an error (refusals_shown)."""
    group = get_object_or_404(PeerGroup, slug=slug)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        # What the form says is wrong, after what the listing's state says: the service checks both.
        services.check_decision(group=group, by=request.user, decision=prefix)
        messages.error(request, _("Please give a reason."))
        return redirect("moderation_group", slug=group.slug)
    was = group.status
    action(group=group, by=request.user, text=next(iter(form.cleaned_data.values()), ""))
    messages.success(request, done(was) if callable(done) else done)
    return redirect("moderation")


S = PeerGroup.Status


@require_POST
@moderator_required
@refusals_shown(redirect_to=_review_page)
def approve(request, slug):
    return _decide(
        request,
        slug,
        form_class=OptionalNoteForm,
        prefix="approve",
        action=lambda group, by, text: services.group_approve(group=group, by=by, note=text),
        done=lambda was: (
            _("Changes accepted. The listing stays public, as it is now.")
            if was == S.PUBLISHED
            else _("Approved. The listing is public.")
        ),
    )


@require_POST
@moderator_required
@refusals_shown(redirect_to=_review_page)
def reject(request, slug):
    return _decide(
        request,
        slug,
        form_class=ReasonForm,
        prefix="reject",
        action=lambda group, by, text: services.group_reject(group=group, by=by, reason=text),
        done=_("Rejected. The facilitators have been e-mailed the reason."),
    )


@require_POST
@moderator_required
@refusals_shown(redirect_to=_review_page)
def unpublish(request, slug):
    return _decide(
        request,
        slug,
        form_class=ReasonForm,
        prefix="unpublish",
        action=lambda group, by, text: services.group_unpublish(group=group, by=by, reason=text),
        done=_("Unpublished. The listing is a draft again and its facilitators have been told why."),
    )


@require_POST
@moderator_required
@refusals_shown(redirect_to=_review_page)
def archive(request, slug):
    return _decide(
        request,
        slug,
        form_class=OptionalNoteForm,
        prefix="archive",
        action=lambda group, by, text: services.group_archive(group=group, by=by, reason=text),
        done=_("Archived."),
    )


@require_POST
@moderator_required
@refusals_shown(redirect_to="moderation")
def close_report(request, pk):
    report = get_object_or_404(Report, pk=pk, status=Report.Status.OPEN)
    resolved = request.POST.get("outcome") != "dismiss"
    services.report_close(report=report, by=request.user, resolved=resolved, note=request.POST.get("note", "")[:2000])
    messages.success(request, _("Report resolved.") if resolved else _("Report dismissed."))
    return redirect("moderation")


@require_POST
@moderator_required
@refusals_shown(redirect_to="moderation")
def ask_facilitators(request, pk):
    """Answer an open report by asking the group's facilitators a question (kept in the history)."""
    report = get_object_or_404(Report.objects.select_related("group"), pk=pk, status=Report.Status.OPEN)
    form = QuestionForm(request.POST, prefix=f"ask-{report.pk}")
    if not form.is_valid():
        messages.error(request, _("Please write the question to send."))
    else:
        services.report_ask_facilitators(report=report, by=request.user, question=form.cleaned_data["question"])
        messages.success(
            request,
            _("Your question is sent to the facilitators of %(group)s and kept in the listing's history.")
            % {"group": report.group.name},
        )
    if request.POST.get("next") == "review":
        return redirect("moderation_group", slug=report.group.slug)
    return redirect(reverse("moderation") + "#reports")
