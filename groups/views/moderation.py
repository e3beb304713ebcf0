"""The moderators' console: new and changed listings, reports, archived listings."""

from datetime import timedelta
from importlib import import_module

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..access import moderator_required
from ..forms import OptionalNoteForm, ReasonForm
from ..models import GroupFacilitator, ListingEvent, PeerGroup, Report


def extra_queues():
    """Queues that other apps keep (testimonials, professional applications, messages)."""
    queues = []
    for path in ("lessons.moderation", "accounts.moderation"):
        try:
            module = import_module(path)
        except ImportError:
            continue
        if hasattr(module, "queue_summaries"):
            queues.extend(module.queue_summaries())
        else:
            queues.append(module.queue_summary())
    return queues


def queue_counts():
    """Every queue with its count, for the console and the moderators' navigation."""
    queues = [
        {"name": _("New listings"), "url": reverse("moderation") + "#pending",
         "count": PeerGroup.objects.needing_review().count()},
        {"name": _("Changed listings"), "url": reverse("moderation") + "#changed",
         "count": PeerGroup.objects.changed_since_review().count()},
        {"name": _("Reports"), "url": reverse("moderation") + "#reports",
         "count": Report.objects.filter(status=Report.Status.OPEN).count()},
    ]  # fmt: skip
    return queues + extra_queues()


@moderator_required
def console(request):
    pending = PeerGroup.objects.needing_review().order_by("submitted_at", "pk")
    changed = PeerGroup.objects.changed_since_review().order_by("updated_at", "pk")
    reports = Report.objects.filter(status=Report.Status.OPEN).select_related("group", "reporter")
    archived = (
        ListingEvent.objects.filter(
            action=ListingEvent.Action.ARCHIVED, created_at__gte=timezone.now() - timedelta(days=30)
        )
        .select_related("group", "actor")
        .order_by("-created_at")[:50]
    )
    context = {
        "extra_queues": extra_queues(),
        "pending": pending,
        "changed": changed,
        "reports": reports,
        "archived": archived,
        "counts": {"pending": len(pending), "changed": len(changed), "reports": len(reports)},
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
    context = {
        "group": group,
        "changes": group.changes_since_review() if group.review_snapshot else [],
        "reports": group.reports.select_related("reporter").order_by("-created_at"),
        "history": group.events.select_related("actor"),
        "approve_form": OptionalNoteForm(prefix="approve"),
        "reject_form": ReasonForm(prefix="reject"),
        "unpublish_form": ReasonForm(prefix="unpublish"),
        "archive_form": OptionalNoteForm(prefix="archive"),
    }
    return render(request, "groups/moderation/review.html", context)


def _decide(request, slug, *, allowed, form_class, prefix, action, done):
    group = get_object_or_404(PeerGroup, slug=slug)
    if group.status not in allowed:
        messages.error(
            request,
            _("That cannot be done to a listing that is %(status)s.") % {"status": group.get_status_display().lower()},
        )
        return redirect("moderation_group", slug=group.slug)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("moderation_group", slug=group.slug)
    try:
        action(group=group, by=request.user, text=next(iter(form.cleaned_data.values()), ""))
    except services.ListingIncomplete as error:
        messages.error(request, error.message)
        return redirect("moderation_group", slug=group.slug)
    messages.success(request, done)
    return redirect("moderation")


S = PeerGroup.Status


@require_POST
@moderator_required
def approve(request, slug):
    return _decide(
        request, slug, allowed={S.PENDING, S.PUBLISHED}, form_class=OptionalNoteForm, prefix="approve",
        action=lambda group, by, text: services.group_approve(group=group, by=by, note=text),
        done=_("Approved. The listing is public."),
    )  # fmt: skip


@require_POST
@moderator_required
def reject(request, slug):
    return _decide(
        request, slug, allowed={S.PENDING}, form_class=ReasonForm, prefix="reject",
        action=lambda group, by, text: services.group_reject(group=group, by=by, reason=text),
        done=_("Rejected. The facilitators have been e-mailed the reason."),
    )  # fmt: skip


@require_POST
@moderator_required
def unpublish(request, slug):
    return _decide(
        request, slug, allowed={S.PUBLISHED}, form_class=ReasonForm, prefix="unpublish",
        action=lambda group, by, text: services.group_unpublish(group=group, by=by, reason=text),
        done=_("Unpublished. The listing is a draft again and its facilitators have been told why."),
    )  # fmt: skip


@require_POST
@moderator_required
def archive(request, slug):
    return _decide(
        request, slug, allowed={S.PUBLISHED, S.PENDING, S.DRAFT, S.REJECTED}, form_class=OptionalNoteForm,
        prefix="archive",
        action=lambda group, by, text: services.group_archive(group=group, by=by, reason=text),
        done=_("Archived."),
    )  # fmt: skip


@require_POST
@moderator_required
def close_report(request, pk):
    report = get_object_or_404(Report, pk=pk, status=Report.Status.OPEN)
    resolved = request.POST.get("outcome") != "dismiss"
    services.report_close(report=report, by=request.user, resolved=resolved, note=request.POST.get("note", "")[:2000])
    messages.success(request, _("Report resolved.") if resolved else _("Report dismissed."))
    return redirect("moderation")
