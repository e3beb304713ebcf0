"""Asking to join, and facilitators answering: the member's side and the group's side."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dbtselfhelp.errors import ActionRefused, refusals_shown
from dbtselfhelp.ratelimits import rate_limited
from dbtselfhelp.submissions import FormToken

from .. import membership
from ..access import get_group_for_facilitator, get_visible_group, verified_member_required
from ..forms import DecisionForm, JoinRequestForm
from ..models import JoinRequest, PeerGroup


def _own_request(group, user):
    return JoinRequest.objects.open_or_approved().filter(group=group, user=user).first()


@verified_member_required
@rate_limited("join")
def join(request, slug):
    group = get_visible_group(request, slug)
    if group.status != PeerGroup.Status.PUBLISHED:
        messages.info(request, _("Only published groups take requests."))
        return redirect(group)
    if group.is_facilitator(request.user):
        messages.info(request, _("You facilitate this group already."))
        return redirect(group)
    sent = _("Your request is sent. The facilitators will answer by e-mail.")
    submission = FormToken(request, f"join:{group.pk}:{request.user.pk}")
    if request.method == "POST" and submission.done():  # sent again after an error: it went the first time
        messages.success(request, sent)
        return redirect(group)
    existing = _own_request(group, request.user)
    closed = membership.join_closed_reason(group)
    form = JoinRequestForm(request.POST or None)
    context = {"group": group, "form": form, "closed": closed, "submission": submission}
    if request.method == "POST" and existing is None and not closed and form.is_valid():
        try:
            membership.join_request_create(
                group=group, user=request.user, message=form.cleaned_data["message"], submission=submission
            )
        except ActionRefused as error:
            messages.error(request, error.message)
            return render(request, "groups/join.html", context, status=error.status)
        messages.success(request, sent)
        return redirect(group)
    if existing is not None:
        return redirect(group)
    status = 400 if request.method == "POST" else 200
    return render(request, "groups/join.html", context, status=status)


@require_POST
@verified_member_required
@refusals_shown()
def withdraw(request, slug):
    group = get_visible_group(request, slug)
    own = get_object_or_404(JoinRequest, group=group, user=request.user, status=JoinRequest.Status.PENDING)
    membership.join_request_withdraw(request=own, by=request.user)
    messages.success(request, _("Your request is withdrawn."))
    return redirect(group)


@require_POST
@verified_member_required
@refusals_shown()
def leave(request, slug):
    group = get_object_or_404(PeerGroup, slug=slug)
    own = get_object_or_404(JoinRequest, group=group, user=request.user, status=JoinRequest.Status.APPROVED)
    membership.membership_leave(request=own, by=request.user)
    messages.success(request, _("You have left %(group)s.") % {"group": group.name})
    return redirect("group_manage")


@verified_member_required
def requests(request, slug):
    """A group's join requests and members, for its facilitators only (not moderators)."""
    group = get_group_for_facilitator(request, slug)
    all_requests = group.join_requests.select_related("user")
    context = {
        "group": group,
        "pending": [r for r in all_requests if r.status == JoinRequest.Status.PENDING],
        "members": [r for r in all_requests if r.status == JoinRequest.Status.APPROVED],
        "form": DecisionForm(),
        "closed": membership.join_closed_reason(group),
    }
    return render(request, "groups/requests.html", context)


@require_POST
@verified_member_required
@refusals_shown(redirect_to=lambda request, slug, **kwargs: reverse("group_requests", args=[slug]))
def decide(request, slug, pk, action):
    group = get_group_for_facilitator(request, slug)
    join_request = get_object_or_404(JoinRequest.objects.select_related("user"), pk=pk, group=group)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return redirect("group_requests", slug=group.slug)
    note = form.cleaned_data["note"]
    name = join_request.user.display_name
    if action == "approve":
        membership.join_request_approve(request=join_request, by=request.user, note=note)
        messages.success(request, _("%(name)s is now a member and has been e-mailed how to attend.") % {"name": name})
    elif action == "decline":
        membership.join_request_decline(request=join_request, by=request.user, note=note)
        messages.success(request, _("You declined %(name)s's request; they have been told kindly.") % {"name": name})
    else:
        membership.membership_remove(request=join_request, by=request.user, note=note)
        messages.success(request, _("%(name)s is no longer a member.") % {"name": name})
    return redirect("group_requests", slug=group.slug)
