"""The facilitator's dashboard, co-facilitators and their invitations."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dbtselfhelp.errors import ActionRefused, refusals_shown
from dbtselfhelp.formats import when
from dbtselfhelp.zones import zone_name

from .. import services
from ..access import get_group_for_facilitator, get_group_for_lead, verified_member_required
from ..account import member_calendar_url
from ..forms import InviteForm
from ..models import FacilitatorInvitation, GroupFacilitator, JoinRequest, PeerGroup, Report
from .advisers import adviser_candidates


def _todo(group, *, days, now):
    """What a facilitator should do about one of their groups, most pressing first: each a
    line, and where to do it."""
    todo = []
    if group.waiting:
        todo.append(
            {
                "text": ngettext(
                    "%(n)d join request is waiting for an answer.",
                    "%(n)d join requests are waiting for an answer.",
                    group.waiting,
                )
                % {"n": group.waiting},
                "url": reverse("group_requests", args=[group.slug]),
                "link": _("Answer them"),
            }
        )
    if group.status == PeerGroup.Status.REJECTED:
        todo.append(
            {
                "text": _("A moderator did not approve the listing: “%(reason)s”") % {"reason": group.rejection_reason}
                if group.rejection_reason
                else _("A moderator did not approve the listing."),
                "url": reverse("group_edit", args=[group.slug]),
                "link": _("Edit it and submit it again"),
            }
        )
    elif group.status == PeerGroup.Status.DRAFT:
        todo.append(
            {
                "text": _("The listing is a draft: nobody else sees it until a moderator approves it."),
                "url": group.get_absolute_url(),
                "link": _("Check it and submit it for review"),
            }
        )
    elif group.status == PeerGroup.Status.ARCHIVED:
        todo.append(
            {
                "text": _("The listing is archived and no longer public."),
                "url": reverse("group_edit", args=[group.slug]),
                "link": _("Edit it and submit it again"),
            }
        )
    if group.status == PeerGroup.Status.PUBLISHED and days >= settings.LISTING_REMIND_DAYS:
        todo.append(
            {
                "text": ngettext(
                    "Not confirmed for %(n)d day: is the listing still correct?",
                    "Not confirmed for %(n)d days: is the listing still correct?",
                    days,
                )
                % {"n": days},
                "confirm": True,
            }
        )
    if group.invitations_open:
        todo.append(
            {
                "text": ngettext(
                    "%(n)d invitation to co-facilitate is not accepted yet.",
                    "%(n)d invitations to co-facilitate are not accepted yet.",
                    group.invitations_open,
                )
                % {"n": group.invitations_open},
                "url": reverse("group_facilitators", args=[group.slug]),
                "link": _("See the invitations"),
            }
        )
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
        JoinRequest.objects.filter(
            user=request.user, status__in=[JoinRequest.Status.PENDING, JoinRequest.Status.APPROVED]
        )
        .select_related("group")
        .prefetch_related("group__meeting_times")
        .order_by("status", "group__name")
    )
    today = now.date()
    groups = (
        PeerGroup.objects.facilitated_by(request.user)
        .for_cards(now)
        .annotate(
            open_reports=Count("reports", filter=Q(reports__status=Report.Status.OPEN), distinct=True),
            waiting=Count("join_requests", filter=Q(join_requests__status=JoinRequest.Status.PENDING), distinct=True),
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
        rows.append(
            {
                "group": group,
                "days": days,
                "todo": todo,
                "next_meeting": group.next_meeting(now),
                "zone_name": zone_name(group.time_zone),
            }
        )
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
    # Every facilitator sees the page; only the lead invites.
    group = (get_group_for_lead if request.method == "POST" else get_group_for_facilitator)(request, slug)
    is_lead = group.is_lead(request.user)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        try:
            invitation, sent = services.facilitator_invite(group=group, email=email, by=request.user)
        except ActionRefused as error:
            error.onto(form, "email")
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


def _facilitators_page(request, slug, **kwargs):
    return reverse("group_facilitators", args=[slug])


@require_POST
@verified_member_required
@refusals_shown(redirect_to=_facilitators_page)
def facilitator_remove(request, slug, pk):
    group = get_group_for_lead(request, slug)
    facilitation = get_object_or_404(GroupFacilitator.objects.select_related("user"), pk=pk, group=group)
    services.facilitator_remove(facilitation=facilitation, by=request.user)
    messages.success(request, _("%(name)s no longer co-facilitates this group.") % {"name": facilitation.user})
    return redirect("group_facilitators", slug=group.slug)


@require_POST
@verified_member_required
@refusals_shown(redirect_to=_facilitators_page)
def invitation_cancel(request, slug, pk):
    group = get_group_for_lead(request, slug)
    invitation = get_object_or_404(FacilitatorInvitation, pk=pk, group=group, accepted_at__isnull=True)
    services.invitation_cancel(invitation=invitation, by=request.user)
    messages.success(request, _("The invitation is withdrawn."))
    return redirect("group_facilitators", slug=group.slug)


@verified_member_required
def invitation_accept(request, token):
    """Accept an invitation to co-facilitate, signed in as the person it was sent to."""
    invitation = get_object_or_404(
        FacilitatorInvitation.objects.select_related("group"), token=token[:64], accepted_at__isnull=True
    )
    group = invitation.group
    problem, status = services.invitation_problem(invitation, request.user), 200
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ActionRefused as error:
            problem, status = error.message, error.status
        else:
            messages.success(request, _("You now co-facilitate %(group)s.") % {"group": group.name})
            return redirect(group)
    context = {"invitation": invitation, "group": group, "problem": problem or None}
    return render(request, "groups/invitation.html", context, status=status)
