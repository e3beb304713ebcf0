"""Calendars and the open feed."""

import gzip

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..calendars import build_calendar
from ..feed import FRESH_SECONDS, meeting_guide_feed_gzip
from ..models import JoinRequest, MemberCalendar, Notice, PeerGroup


def _ics(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _with_schedule(queryset):
    """The meeting times and every cancellation: a series from its first meeting lists them all."""
    return queryset.prefetch_related(
        "meeting_times", Prefetch("notices", queryset=Notice.objects.filter(cancels_meeting=True))
    )


def group_calendar(request, slug):
    """A published group's public calendar: public location only, for anyone."""
    group = get_object_or_404(_with_schedule(PeerGroup.objects.published()), slug=slug)
    return _ics(build_calendar([group], name=group.name, private=False), f"{group.slug}.ics")


def member_calendar(request, token):
    """A member's private calendar: every group they belong to or facilitate, with the details
    they are entitled to. The secret token in the address is the only credential."""
    calendar = MemberCalendar.objects.select_related("user").filter(token=token[:64]).first()
    if calendar is None or not calendar.user.is_active:
        raise Http404
    user = calendar.user
    groups = _with_schedule(
        PeerGroup.objects.published()
        .filter(
            Q(join_requests__user=user, join_requests__status=JoinRequest.Status.APPROVED) | Q(facilitators__user=user)
        )
        .distinct()
    )
    response = _ics(build_calendar(groups, name=_("My DBT skills groups"), private=True), "my-groups.ics")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def reset_member_calendar(request):
    MemberCalendar.objects.filter(user=request.user).delete()
    MemberCalendar.objects.create(user=request.user)
    messages.success(request, _("Your calendar has a new address. The old one no longer works."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("group_manage")


def meeting_guide_feed(request):
    """The Meeting Guide feed of public listings, compressed for clients that accept gzip."""
    compressed = meeting_guide_feed_gzip()
    if compressed is None:
        response = JsonResponse({"error": _("The feed is being prepared. Please try again in a minute.")}, status=503)
        response["Retry-After"] = "60"
        return response
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="application/json; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), content_type="application/json; charset=utf-8")
    patch_vary_headers(response, ["Accept-Encoding"])
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={FRESH_SECONDS}"
    return response


def feed_about(request):
    """What the Meeting Guide feed holds and leaves out, for the people who plug it into an app."""
    return render(
        request,
        "groups/feed_about.html",
        {"feed_url": request.build_absolute_uri(reverse("meeting_guide_feed")), "fresh_minutes": FRESH_SECONDS // 60},
    )
