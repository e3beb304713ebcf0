"""The groups app's part of a member's account page (listed in settings.ACCOUNT_SECTIONS): their
private calendar, so it is found where people look for their settings, not only on My groups."""

from django.template.loader import render_to_string
from django.urls import reverse

from .models import MemberCalendar


def member_calendar_url(request, user):
    calendar, _created = MemberCalendar.objects.get_or_create(user=user)
    return request.build_absolute_uri(reverse("member_calendar", args=[calendar.token]))


def calendar_section(request):
    context = {"calendar_url": member_calendar_url(request, request.user)}
    return render_to_string("groups/includes/account_calendar.html", context, request=request)


def waiting_section(request):
    """The member's requests to hear of a group near them, each with a button to stop it."""
    from django.utils import timezone

    from .waiting import WaitingRequest

    waiting = WaitingRequest.objects.filter(user=request.user).active(timezone.now())
    return render_to_string("groups/includes/account_waiting.html", {"waiting": waiting}, request=request)
