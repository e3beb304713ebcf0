"""What the groups app holds about a person, for export and erasure."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import (
    FACILITATOR_LEFT,
    ChangeEmailOptOut,
    FacilitatorInvitation,
    GroupChange,
    GroupFacilitator,
    JoinRequest,
    ListingEvent,
    MemberCalendar,
    PeerGroup,
    Report,
)
from .waiting import WaitingRequest

ERASURE_SUMMARY = [
    _(
        "Your facilitator roles. A group you lead alone is archived; in a group with co-facilitators, "
        "the longest-serving co-facilitator becomes its lead."
    ),
    _("Reports you sent: their text is removed and they no longer name you."),
    _("Invitations sent to your e-mail address, and your name in listing histories."),
    _("Your join requests and memberships, with their messages, and your private calendar address."),
    _("Your requests to hear when a group starts near you, and the list of groups we told you about."),
    _("The groups you asked for no e-mails about changes, and your name on the changes you made."),
]


def export_user_data(user):
    facilitations = GroupFacilitator.objects.filter(user=user).select_related("group")
    return {
        "facilitated_groups": [
            {
                "group": f.group.name,
                "url": f.group.get_absolute_url(),
                "role": f.role,
                "status": f.group.status,
                "since": f.added_at.isoformat(),
            }
            for f in facilitations
        ],
        "reports_sent": [
            {"group": r.group.name, "reason": r.reason, "text": r.text, "status": r.status, "sent": r.created_at}
            for r in Report.objects.filter(reporter=user).select_related("group")
        ],
        "join_requests": [
            {
                "group": r.group.name,
                "status": r.status,
                "message": r.message,
                "sent": r.created_at,
                "decided": r.decided_at,
                "note_from_facilitators": r.decision_note,
            }
            for r in JoinRequest.objects.filter(user=user).select_related("group")
        ],
        "no_change_emails_from": [
            {"group": o.group.name, "since": o.created_at.isoformat()}
            for o in ChangeEmailOptOut.objects.filter(user=user).select_related("group")
        ],
        "facilitator_invitations": [
            {"group": i.group.name, "sent": i.created_at, "accepted": i.accepted_at}
            for i in FacilitatorInvitation.objects.filter(email__iexact=user.email).select_related("group")
        ],
        "waiting_for_a_group": [
            {
                "near": w.place_label,
                "area_centre": [w.cell_latitude, w.cell_longitude],
                "within_km": w.radius_km,
                "kind": w.format,
                "language": w.language,
                "asked": w.created_at,
                "confirmed": w.confirmed_at,
                "until": w.expires_at,
                "stopped": w.ended_at,
                "told_about": [a.group.name for a in w.alerts.select_related("group")],
            }
            for w in WaitingRequest.objects.filter(Q(user=user) | Q(email__iexact=user.email))
        ],
    }


@transaction.atomic
def erase_user_data(user):
    for facilitation in GroupFacilitator.objects.filter(user=user, role=GroupFacilitator.Role.LEAD):
        group = facilitation.group
        successor = group.facilitators.exclude(user=user).order_by("added_at").first()
        if successor:
            successor.role = GroupFacilitator.Role.LEAD
            successor.save(update_fields=["role"])
        elif group.status != PeerGroup.Status.ARCHIVED:
            group.status = PeerGroup.Status.ARCHIVED
            group.save(update_fields=["status", "updated_at"])
            ListingEvent.objects.create(group=group, action=ListingEvent.Action.ARCHIVED, note=FACILITATOR_LEFT)
    GroupFacilitator.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).update(reporter=None, text="")
    FacilitatorInvitation.objects.filter(email__iexact=user.email).delete()
    ListingEvent.objects.filter(actor=user).update(actor=None)
    JoinRequest.objects.filter(user=user).delete()
    JoinRequest.objects.filter(decided_by=user).update(decided_by=None)
    MemberCalendar.objects.filter(user=user).delete()
    WaitingRequest.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
    ChangeEmailOptOut.objects.filter(user=user).delete()
    GroupChange.objects.filter(actor=user).update(actor=None)
