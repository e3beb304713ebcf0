"""The facilitator's page for following the skills rotation: start it, pin a week, skip a week."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dbtselfhelp.errors import ActionRefused
from lessons import rotation as weeks
from lessons.models import SkillModule

from .. import rotation
from ..access import get_group_for_facilitator, verified_member_required
from ..forms import RotationPinForm, RotationStartForm

ACTIONS = ("follow", "stop", "pin", "unpin", "skip")


def _page(request, group, now, *, start_form=None, pin_form=None, status=200):
    today = now.astimezone(group.tz).date()
    current = group.rotation_week(now)
    if start_form is None:
        upcoming = group.next_meeting(now)
        initial = group.rotation_starts_on or (upcoming[0].date() if upcoming else today)
        start_form = RotationStartForm(initial={"starts_on": initial}, today=today)
    if pin_form is None:
        pin_form = RotationPinForm(initial={"week": current.number if current else 1}, weeks=weeks.weeks())
    modules = dict(SkillModule.objects.values_list("slug", "name"))
    context = {
        "group": group,
        "current": current,
        "starts_in_future": group.rotation_starts_on is not None and group.rotation_starts_on > today,
        "blocks": _blocks(modules),
        "week_count": weeks.length(),
        "start_form": start_form,
        "pin_form": pin_form,
    }
    return render(request, "groups/rotation.html", context, status=status)


def _blocks(module_names):
    """The weeks in runs of one module each: two weeks of mindfulness, six of distress tolerance…"""
    blocks = []
    for week in weeks.weeks():
        if not blocks or blocks[-1]["module"] != week.module:
            blocks.append({"module": week.module, "name": module_names.get(week.module, ""), "weeks": []})
        blocks[-1]["weeks"].append(week)
    return blocks


@verified_member_required
def group_rotation(request, slug):
    group = get_group_for_facilitator(request, slug)
    return _page(request, group, timezone.now())


@require_POST
@verified_member_required
def rotation_change(request, slug, action):
    group = get_group_for_facilitator(request, slug)
    now = timezone.now()
    today = now.astimezone(group.tz).date()
    try:
        if action == "follow":
            form = RotationStartForm(request.POST, today=today)
            if not form.is_valid():
                return _page(request, group, now, start_form=form, status=400)
            rotation.rotation_follow(group=group, by=request.user, starts_on=form.cleaned_data["starts_on"])
            done = _("The group follows the skills rotation.")
        elif action == "stop":
            rotation.rotation_stop(group=group, by=request.user)
            done = _("The group no longer follows the skills rotation.")
        elif action == "pin":
            form = RotationPinForm(request.POST, weeks=weeks.weeks())
            if not form.is_valid():
                return _page(request, group, now, pin_form=form, status=400)
            rotation.rotation_pin(group=group, by=request.user, week=form.cleaned_data["week"], now=now)
            done = _("Week %(n)d is pinned until you unpin it.") % {"n": form.cleaned_data["week"]}
        elif action == "unpin":
            rotation.rotation_unpin(group=group, by=request.user, now=now)
            done = _("Unpinned: the rotation carries on from this week.")
        else:
            rotation.rotation_skip(group=group, by=request.user, now=now)
            done = _("Skipped: the group is on the next week.")
    except ActionRefused as error:
        messages.error(request, error.message)
        return _page(request, group, now, status=400)
    messages.success(request, done)
    return redirect("group_rotation", slug=group.slug)
