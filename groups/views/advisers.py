"""Advisers: a facilitator asks a verified professional in the group's region; the
professional accepts or declines. Only an accepted adviser appears on the group page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import ProfessionalProfile
from dbtselfhelp.errors import refusals_shown

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
        .objects.filter(
            region,
            professional_profile__status=ProfessionalProfile.Status.VERIFIED,
            professional_profile__open_to_contact=True,
        )
        .exclude(adviser_roles__group=group)
        .select_related("professional_profile")
        .order_by("professional_profile__public_name")
    )


@require_POST
@verified_member_required
@refusals_shown(redirect_to=lambda request, slug, **kwargs: reverse("group_facilitators", args=[slug]))
def adviser_invite(request, slug, user_id):
    group = get_group_for_facilitator(request, slug)
    professional = get_object_or_404(adviser_candidates(group), pk=user_id)
    services.adviser_invite(group=group, professional=professional, by=request.user)
    name = professional.professional_profile.public_name
    messages.success(request, _("%(name)s has been asked. They will appear once they accept.") % {"name": name})
    return redirect("group_facilitators", slug=group.slug)


@require_POST
@verified_member_required
@refusals_shown(redirect_to="professional_me")
def adviser_respond(request, pk, answer):
    invitation = get_object_or_404(GroupAdviser, pk=pk, user=request.user, status=GroupAdviser.Status.INVITED)
    services.adviser_respond(adviser=invitation, by=request.user, accept=answer == "accept")
    if invitation.status == GroupAdviser.Status.ACCEPTED:
        messages.success(request, _("You are now listed as an adviser of %(group)s.") % {"group": invitation.group})
    else:
        messages.success(request, _("You declined; the group will not list you."))
    return redirect("professional_me")
