"""Advisers: a facilitator asks a verified professional in the group's region; the
professional accepts or declines. Only an accepted adviser appears on the group page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..access import get_group_for_facilitator, verified_member_required
from ..models import GroupAdviser


def adviser_candidates(group):
    """Verified professionals open to being asked, registered in the group's region or country."""
    region_words = [w for w in (group.region, group.get_country_display(), group.country) if w]
    region = Q()
    for word in region_words:
        region |= Q(professional_profile__licence_region__iexact=str(word))
    return (
        get_user_model()
        .objects.filter(region, professional_profile__status="verified", professional_profile__open_to_contact=True)
        .exclude(adviser_roles__group=group)
        .select_related("professional_profile")
        .order_by("professional_profile__public_name")
    )


@require_POST
@verified_member_required
def adviser_invite(request, slug, user_id):
    group = get_group_for_facilitator(request, slug)
    professional = get_object_or_404(adviser_candidates(group), pk=user_id)
    try:
        services.adviser_invite(group=group, professional=professional, by=request.user)
    except services.AdviserLimitReached:
        messages.error(request, _("You have asked as many professionals as we allow in a day. Please try tomorrow."))
        return redirect("group_facilitators", slug=group.slug)
    name = professional.professional_profile.public_name
    messages.success(request, _("%(name)s has been asked. They will appear once they accept.") % {"name": name})
    return redirect("group_facilitators", slug=group.slug)


@require_POST
@verified_member_required
def adviser_respond(request, pk, answer):
    invitation = get_object_or_404(GroupAdviser, pk=pk, user=request.user, status=GroupAdviser.Status.INVITED)
    invitation.status = GroupAdviser.Status.ACCEPTED if answer == "accept" else GroupAdviser.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    if invitation.status == GroupAdviser.Status.ACCEPTED:
        messages.success(request, _("You are now listed as an adviser of %(group)s.") % {"group": invitation.group})
    else:
        messages.success(request, _("You declined; the group will not list you."))
    return redirect("professional_me")
