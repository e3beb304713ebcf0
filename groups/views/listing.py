"""A group's public page, and the facilitator's tools for its listing."""

import zoneinfo

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dbtselfhelp.errors import ActionRefused, refusals_shown
from dbtselfhelp.formats import when
from dbtselfhelp.jsonld import as_script
from dbtselfhelp.markdown import render_markdown
from dbtselfhelp.ratelimits import over_limit
from dbtselfhelp.submissions import FormToken
from dbtselfhelp.zones import viewer_zone_name, zone_name

from .. import alerts, membership, services
from ..access import get_group_for_facilitator, get_visible_group, verified_member_required
from ..forms import GroupForm, MeetingTimeFormSet, NoticeForm, ReportForm, SignedOutReportForm
from ..jsonld import group_jsonld
from ..maps import pin_map
from ..models import GroupAdviser, GroupFacilitator, JoinRequest, Notice, PeerGroup


def group_detail(request, slug):
    now = timezone.now()
    page = PeerGroup.objects.for_cards(now).prefetch_related(
        "audiences", Prefetch("facilitators", queryset=GroupFacilitator.objects.select_related("user"))
    )
    group = get_visible_group(request, slug, page)
    is_facilitator = group.is_facilitator(request.user)
    is_moderator = request.user.is_authenticated and request.user.is_moderator
    own_request = (
        JoinRequest.objects.open_or_approved().filter(group=group, user=request.user).first()
        if request.user.is_authenticated
        else None
    )
    viewer_zone = viewer_zone_name(request, explicit=request.GET.get("tz", "")[:64])
    viewer_start = None
    if upcoming := group.next_meeting(now):
        local = upcoming[0].astimezone(zoneinfo.ZoneInfo(viewer_zone)) if viewer_zone else None
        if local is not None and local.replace(tzinfo=None) != upcoming[0].replace(tzinfo=None):
            viewer_start = local  # a different wall-clock time from the group's own
    context = {
        "group": group,
        "group_zone_name": zone_name(group.time_zone),
        "viewer_start": viewer_start if group.meets_online else None,
        "viewer_zone": viewer_zone,
        "viewer_zone_name": zone_name(viewer_zone),
        "description": render_markdown(group.description),
        "next_meeting": upcoming,
        "rotation_week": group.rotation_week(now),
        "calendar_url": request.build_absolute_uri(reverse("group_calendar", args=[group.slug])),
        "show_private": group.can_see_private_details(request.user),
        "own_request": own_request,
        "join_closed": membership.join_closed_reason(group) if own_request is None else "",
        "pending_requests": group.join_requests.pending().count() if is_facilitator else 0,
        "advisers": group.advisers.filter(status=GroupAdviser.Status.ACCEPTED).select_related(
            "user__professional_profile"
        ),
        "is_facilitator": is_facilitator,
        "waiting_hint": alerts.waiting_hint(group, now) if is_facilitator else None,
        "is_moderator": is_moderator,
        "jsonld": as_script(
            group_jsonld(
                group,
                url=request.build_absolute_uri(group.get_absolute_url()),
                join_url=request.build_absolute_uri(reverse("group_join", args=[group.slug])),
                upcoming=upcoming,
            )
        )
        if group.status == PeerGroup.Status.PUBLISHED
        else "",
        "history": group.events.select_related("actor")[:20] if (is_facilitator or is_moderator) else None,
        "map_points": [{"lat": group.public_latitude, "lng": group.public_longitude, "name": group.name}]
        if group.public_latitude is not None
        else [],
    }
    return render(request, "groups/group_detail.html", context)


# Empty meeting rows the form offers, so several meeting times can be added in one save
# without JavaScript (the script shows one at a time, on "Add a meeting time").
BLANK_MEETING_ROWS = 3


def _problems(form, formset):
    """Every error on the page, once, with the field it belongs to: the summary at the top
    links each one to its field."""
    problems = []

    def add(bound, where, message):
        problems.append(
            {"target": bound.auto_id if bound is not None else "meetings", "where": where, "message": message}
        )

    for name, errors in form.errors.items():
        bound = form[name] if name in form.fields else None
        for message in errors:
            add(bound, bound.label if bound is not None else _("The listing"), message)
    for message in formset.non_form_errors():
        add(None, _("When it meets"), message)
    for number, meeting_form in enumerate(formset.forms, start=1):
        for name, errors in meeting_form.errors.items():
            bound = meeting_form[name] if name in meeting_form.fields else None
            where = _("Meeting %(n)d") % {"n": number}
            if bound is not None:
                where = f"{where}, {bound.label}"
            for message in errors:
                add(bound, where, message)
    return problems


def _save_group_form(request, *, group=None):
    creating = group is None
    group = group or PeerGroup(contact_name=request.user.display_name)
    form = GroupForm(request.POST or None, instance=group, prefix="group")
    formset = MeetingTimeFormSet(request.POST or None, instance=group, prefix="meetings")
    if not formset.is_bound:
        formset.extra = BLANK_MEETING_ROWS
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        group = form.save(commit=False)
        audiences = form.cleaned_data["audiences"]
        try:
            if creating:
                services.group_create(group=group, meeting_formset=formset, audiences=audiences, by=request.user)
                messages.success(request, _("Your listing is saved as a draft. Submit it for review when it is ready."))
            else:
                services.group_update(group=group, meeting_formset=formset, audiences=audiences, by=request.user)
                messages.success(request, _("Your changes are saved."))
            return redirect(group)
        except ActionRefused as error:
            if creating:
                group.pk = None  # the transaction was rolled back: nothing was saved
            formset._non_form_errors = formset.error_class([error.message], error_class="nonform")
    # No flash message on failure: the summary at the top of the form (an alert) lists each
    # problem and links to its field.
    return render(
        request,
        "groups/group_form.html",
        {
            "form": form,
            "formset": formset,
            "group": None if creating else group,
            "waiting_hint": None if creating else alerts.waiting_hint(group, timezone.now()),
            "problems": _problems(form, formset) if request.method == "POST" else [],
            "pin": pin_map(
                group.latitude,
                group.longitude,
                public_latitude=group.public_latitude if group.is_location_private else None,
                public_longitude=group.public_longitude if group.is_location_private else None,
            ),
            # The facilitator's own pin, to drag where it belongs.
            "map_points": [{"lat": group.latitude, "lng": group.longitude}] if group.latitude is not None else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@verified_member_required
def group_create(request):
    return _save_group_form(request)


@verified_member_required
def group_edit(request, slug):
    return _save_group_form(request, group=get_group_for_facilitator(request, slug))


def _group_page(request, slug, **kwargs):
    return reverse("group_detail", args=[slug])


@require_POST
@verified_member_required
@refusals_shown(redirect_to=_group_page)
def group_submit(request, slug):
    group = get_group_for_facilitator(request, slug)
    services.group_submit(group=group, by=request.user)
    messages.success(request, _("Submitted. A moderator will review the listing, usually within a few days."))
    return redirect(group)


@require_POST
@verified_member_required
@refusals_shown(redirect_to=_group_page)
def group_confirm(request, slug):
    group = get_group_for_facilitator(request, slug)
    services.group_confirm(group=group, by=request.user)
    messages.success(request, _("Thank you. The listing is marked as confirmed today."))
    if request.POST.get("next") == "manage":
        return redirect("group_manage")
    return redirect(group)


@verified_member_required
@refusals_shown()
def group_notices(request, slug):
    group = get_group_for_facilitator(request, slug)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notice = services.notice_post(notice=form.save(commit=False), group=group, by=request.user)
        messages.success(request, _("The notice is posted on the group page."))
        if notice.cancels_meeting and not group.meets_on(notice.date):
            messages.warning(
                request,
                _("The group does not meet on %(day)s, so this notice cancels no meeting. Check the date.")
                % {"day": when(notice.date, "weekday_day_month")},
            )
        return redirect("group_notices", slug=group.slug)
    notices = group.notices.filter(date__gte=timezone.now().date())
    return render(
        request,
        "groups/notices.html",
        {"group": group, "form": form, "notices": notices},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@verified_member_required
@refusals_shown(redirect_to=lambda request, slug, **kwargs: reverse("group_notices", args=[slug]))
def notice_delete(request, slug, pk):
    group = get_group_for_facilitator(request, slug)
    services.notice_delete(notice=get_object_or_404(Notice, pk=pk, group=group), by=request.user)
    messages.success(request, _("The notice is removed."))
    return redirect("group_notices", slug=group.slug)


def group_report(request, slug):
    """Report a problem with a listing. Members report as themselves; anyone else may too (the
    person who notices a wrong listing is often not a member), through a form with a hidden
    field for robots and the contact form's limits on each address."""
    group = get_visible_group(request, slug)
    member = request.user.is_authenticated and request.user.is_verified
    if request.method == "POST" and over_limit(request, "report" if member else "contact"):
        return render(request, "429.html", status=429)
    form = (ReportForm if member else SignedOutReportForm)(request.POST or None)
    submission = FormToken(request, f"report:{group.pk}:{request.user.pk}")
    context = {"group": group, "form": form, "signed_out": not member, "submission": submission}
    if request.method == "POST" and submission.done():  # sent again after an error: it went the first time
        messages.success(request, _("Thank you. A moderator will look at your report."))
        return redirect(group)
    if request.method == "POST" and form.is_valid():
        thanks = _("Thank you. A moderator will look at your report.")
        if not member and form.is_spam:  # a robot filled the hidden field: say thanks, keep nothing
            messages.success(request, thanks)
            return redirect(group)
        try:
            services.report_create(
                group=group,
                by=request.user if member else None,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
                submission=submission,
            )
        except ActionRefused as error:
            messages.error(request, error.message)
            return render(request, "groups/report_form.html", context, status=error.status)
        messages.success(request, thanks)
        return redirect(group)
    return render(request, "groups/report_form.html", context, status=400 if request.method == "POST" else 200)
