"""My groups' choice of e-mails about changes, as a tag, so the page's view needs no change."""

from django import template

from ..models import ChangeEmailOptOut, GroupFacilitator, JoinRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def change_email_choices(context):
    """[{"group", "facilitates", "on"}] for each group whose changes the signed-in person hears of
    (approved memberships and facilitations), by name. Three queries."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    groups = {f.group_id: (f.group, True) for f in GroupFacilitator.objects.filter(user=user).select_related("group")}
    for request in JoinRequest.objects.approved().filter(user=user).select_related("group"):
        groups.setdefault(request.group_id, (request.group, False))
    off = set(ChangeEmailOptOut.objects.filter(user=user).values_list("group_id", flat=True))
    choices = [{"group": g, "facilitates": f, "on": pk not in off} for pk, (g, f) in groups.items()]
    return sorted(choices, key=lambda c: (c["group"].name.lower(), c["group"].pk))
