"""The facilitator's dashboard, co-facilitators and their invitations."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dbtselfhelp.formats import when
from dbtselfhelp.zones import zone_name

from .. import services
from ..access import get_group_for_facilitator, verified_member_required
from ..account import member_calendar_url
from ..forms import InviteForm
from ..models import FacilitatorInvitation, GroupFacilitator, JoinRequest, PeerGroup
from .advisers import adviser_candidates


def _todo(group, *, days, now):
    """What a facilitator should do about one of their groups, most pressing first: each a
    line, and where to do it."""
    todo = []
    if group.waiting:
        todo.append({
            "text": ngettext("%(n)d join request is waiting for an answer.",
                             "%(n)d join requests are waiting for an answer.", group.waiting) % {"n": group.waiting},
            "url": reverse("group_requests", args=[group.slug]), "link": _("Answer them"),
        })  # fmt: skip
    if group.status == PeerGroup.Status.REJECTED:
        todo.append({
            "text": _("A moderator did not approve the listing: “%(reason)s”") % {"reason": group.rejection_reason}
            if group.rejection_reason else _("A moderator did not approve the listing."),
            "url": reverse("group_edit", args=[group.slug]), "link": _("Edit it and submit it again"),
        })  # fmt: skip
    elif group.status == PeerGroup.Status.DRAFT:
        todo.append({"text": _("The listing is a draft: nobody else sees it until a moderator approves it."),
                     "url": group.get_absolute_url(), "link": _("Check it and submit it for review")})  # fmt: skip
    elif group.status == PeerGroup.Status.ARCHIVED:
        todo.append(
            {
                "text": _("The listing is archived and no longer public."),
                "url": reverse("group_edit", args=[group.slug]),
                "link": _("Edit it and submit it again"),
            }
        )
    if group.status == PeerGroup.Status.PUBLISHED and days >= settings.LISTING_REMIND_DAYS:
        todo.append({
            "text": ngettext("Not confirmed for %(n)d day: is the listing still correct?",
                             "Not confirmed for %(n)d days: is the listing still correct?", days) % {"n": days},
            "confirm": True,
        })  # fmt: skip
    if group.invitations_open:
        todo.append({
            "text": ngettext("%(n)d invitation to co-facilitate is not accepted yet.",
                             "%(n)d invitations to co-facilitate are not accepted yet.",
                             group.invitations_open) % {"n": group.invitations_open},
            "url": reverse("group_facilitators", args=[group.slug]), "link": _("See the invitations"),
        })  # fmt: skip
    return todo


def _my_invitations(user, now):
    """Invitations to co-facilitate sent to one of the member's verified addresses, still open."""
    addresses = list(user.emailaddress_set.filter(verified=True).values_list("email", flat=True))
    if not addresses:
        return []
    query = Q()
    for address in addresses:
        query |= Q(email__iexact=address)
    open_ = FacilitatorInvitation.objects.filter(query, accepted_at__isnull=True).select_related("group")
    return [inv for inv in open_.order_by("-created_at") if not inv.is_expired and not inv.group.is_facilitator(user)]


@verified_member_required
def manage(request):
    """My groups: what needs doing first (requests waiting, listings to confirm, review, rejection
    and its reason, invitations), then each group I facilitate with its next meeting and links
    to its notices, co-facilitators and requests; the groups I belong to; my calendar."""
    now = timezone.now()
    memberships = (
        JoinRequest.objects.filter(user=request.user, status__in=["pending", "approved"])
        .select_related("group")
        .prefetch_related("group__meeting_times")
        .order_by("status", "group__name")
    )
    today = now.date()
    groups = (
        PeerGroup.objects.facilitated_by(request.user)
        .for_cards(now)
        .annotate(
            open_reports=Count("reports", filter=Q(reports__status="open"), distinct=True),
            waiting=Count("join_requests", filter=Q(join_requests__status="pending"), distinct=True),
            invitations_open=Count("invitations", filter=Q(invitations__accepted_at__isnull=True), distinct=True),
            notices_ahead=Count("notices", filter=Q(notices__date__gte=today), distinct=True),
        )
        .order_by("name")
    )
    rows, todo_total = [], 0
    for group in groups:
        days = group.days_since_confirmed(now)
        todo = _todo(group, days=days, now=now)
        todo_total += len(todo)
        rows.append({
            "group": group, "days": days, "todo": todo, "next_meeting": group.next_meeting(now),
            "zone_name": zone_name(group.time_zone),
        })  # fmt: skip
    invitations = _my_invitations(request.user, now)
    context = {
        "rows": rows,
        "todo_total": todo_total + len(invitations),
        "my_invitations": invitations,
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
                            % {"email": email, "date": when(invitation.created_at, "day_month")},
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
