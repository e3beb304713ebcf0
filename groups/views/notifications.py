"""Members' choice of e-mails about a group's changes: from My groups, and from the link in each
e-mail, which works without signing in."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dbtselfhelp.errors import refusals_shown

from .. import notifications
from ..access import get_visible_group, verified_member_required


@require_POST
@verified_member_required
@refusals_shown()
def change_emails(request, slug):
    group = get_visible_group(request, slug)
    on = request.POST.get("on") == "1"
    notifications.change_emails_choose(group=group, by=request.user, on=on)
    if on:
        messages.success(request, _("You will get an e-mail when %(group)s changes.") % {"group": group.name})
    else:
        messages.success(request, _("No more e-mails about changes to %(group)s.") % {"group": group.name})
    return redirect("group_manage")


def change_emails_stop(request, token):
    """GET asks, POST stops (a link scanner that follows the link changes nothing)."""
    found = notifications.read_stop_token(token[:300])
    if found is None:
        return render(request, "groups/change_emails_stop.html", {"problem": True}, status=400)
    group, person = found
    stopped = False
    if request.method == "POST":
        notifications.change_emails_stop(group=group, user=person)
        stopped = True
    return render(request, "groups/change_emails_stop.html", {"group": group, "stopped": stopped})
