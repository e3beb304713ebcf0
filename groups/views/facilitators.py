"""The facilitator's dashboard, co-facilitators and their invitations."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import services
from ..access import get_group_for_facilitator, verified_member_required
from ..account import member_calendar_url
from ..forms import InviteForm
from ..models import FacilitatorInvitation, GroupFacilitator, JoinRequest, PeerGroup
from .advisers import adviser_candidates


@verified_member_required
def manage(request):
    """My groups: the groups I belong to and my requests; the groups I facilitate, with their
    status, last confirmation, waiting requests and what needs attention; my calendar."""
    memberships = (
        JoinRequest.objects.filter(user=request.user, status__in=["pending", "approved"])
        .select_related("group")
        .prefetch_related("group__meeting_times")
        .order_by("status", "group__name")
    )
    groups = (
        PeerGroup.objects.facilitated_by(request.user)
        .annotate(
            open_reports=Count("reports", filter=Q(reports__status="open"), distinct=True),
            waiting=Count("join_requests", filter=Q(join_requests__status="pending"), distinct=True),
        )
        .order_by("name")
    )
    now = timezone.now()
    rows = []
    for group in groups:
        days = group.days_since_confirmed(now)
        attention = []
        if group.status == PeerGroup.Status.DRAFT:
            attention.append(_("Draft: submit it for review when it is ready."))
        elif group.status == PeerGroup.Status.REJECTED:
            attention.append(_("Not approved: see the moderator's reason, edit and submit again."))
        elif group.status == PeerGroup.Status.ARCHIVED:
            attention.append(_("Archived: edit and submit it again if the group still meets."))
        if group.status == PeerGroup.Status.PUBLISHED and days >= settings.LISTING_REMIND_DAYS:
            attention.append(_("Please confirm the listing is still correct."))
        if group.waiting:
            attention.append(
                ngettext("%(n)d join request is waiting.", "%(n)d join requests are waiting.", group.waiting)
                % {"n": group.waiting}
            )
        if group.has_unreviewed_changes:
            attention.append(_("Your latest changes are waiting for a moderator's look (the listing stays public)."))
        rows.append({"group": group, "days": days, "attention": attention})
    context = {
        "rows": rows,
        "memberships": memberships,
        "calendar_url": member_calendar_url(request, request.user),
    }
    return render(request, "groups/manage.html", context)


@verified_member_required
def facilitators(request, slug):
    group = get_group_for_facilitator(request, slug)
    is_lead = group.is_lead(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_lead:
            raise PermissionDenied
        if form.is_valid():
            email = form.cleaned_data["email"].lower()
            if group.facilitators.filter(user__email__iexact=email).exists():
                form.add_error("email", _("That person already facilitates this group."))
            else:
                try:
                    invitation, sent = services.facilitator_invite(group=group, email=email, by=request.user)
                except services.InvitationLimitReached:
                    form.add_error(
                        "email", _("You have sent as many invitations as we allow in a day. Please try tomorrow.")
                    )
                else:
                    if sent:
                        messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
                    else:
                        messages.info(
                            request,
                            _("%(email)s already has an invitation waiting, sent on %(date)s. It still works.")
                            % {"email": email, "date": date_format(invitation.created_at, "j F")},
                        )
                    return redirect("group_facilitators", slug=group.slug)
    context = {
        "group": group,
        "form": form,
        "is_lead": is_lead,
        "facilitations": group.facilitators.select_related("user"),
        "invitations": group.invitations.filter(accepted_at__isnull=True).order_by("-created_at"),
        "advisers": group.advisers.select_related("user__professional_profile"),
        "adviser_candidates": adviser_candidates(group)[:20],
    }
    return render(request, "groups/facilitators.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@verified_member_required
def facilitator_remove(request, slug, pk):
    group = get_group_for_facilitator(request, slug)
    if not group.is_lead(request.user):
        raise PermissionDenied
    facilitation = get_object_or_404(GroupFacilitator, pk=pk, group=group)
    if facilitation.role == GroupFacilitator.Role.LEAD:
        messages.error(request, _("The lead facilitator cannot be removed."))
    else:
        services.facilitator_remove(facilitation=facilitation, by=request.user)
        messages.success(request, _("%(name)s no longer co-facilitates this group.") % {"name": facilitation.user})
    return redirect("group_facilitators", slug=group.slug)


@require_POST
@verified_member_required
def invitation_cancel(request, slug, pk):
    group = get_group_for_facilitator(request, slug)
    if not group.is_lead(request.user):
        raise PermissionDenied
    get_object_or_404(FacilitatorInvitation, pk=pk, group=group, accepted_at__isnull=True).delete()
    messages.success(request, _("The invitation is withdrawn."))
    return redirect("group_facilitators", slug=group.slug)


@verified_member_required
def invitation_accept(request, token):
    """Accept an invitation to co-facilitate, signed in as the person it was sent to."""
    invitation = get_object_or_404(
        FacilitatorInvitation.objects.select_related("group"), token=token[:64], accepted_at__isnull=True
    )
    group = invitation.group
    addresses = {a.lower() for a in request.user.emailaddress_set.filter(verified=True).values_list("email", flat=True)}
    problem = None
    if invitation.is_expired:
        problem = _("This invitation has expired. Ask the lead facilitator to send a new one.")
    elif invitation.email.lower() not in addresses:
        problem = _("This invitation was sent to another e-mail address. Sign in with that address to accept it.")
    elif group.is_facilitator(request.user):
        problem = _("You already facilitate this group.")
    if request.method == "POST" and not problem:
        services.invitation_accept(invitation=invitation, user=request.user)
        messages.success(request, _("You now co-facilitate %(group)s.") % {"group": group.name})
        return redirect(group)
    return render(
        request,
        "groups/invitation.html",
        {"invitation": invitation, "group": group, "problem": problem},
        status=403 if problem and request.method == "POST" else 200,
    )
