"""Waiting for a group: ask from a search, confirm, stop, renew; and where people wait."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dbtselfhelp.errors import ActionRefused
from dbtselfhelp.ratelimits import rate_limited

from .. import alerts
from ..cells import cell_for
from ..forms import WaitingRequestForm
from ..waiting import WaitingRequest


def _refused(request, error):
    return render(
        request,
        "groups/waiting_message.html",
        {"title": _("That did not work"), "text": error.message},
        status=error.status,
    )


@require_POST
@rate_limited("waiting")
def waiting_create(request):
    form = WaitingRequestForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "groups/waiting_form.html", {"form": form}, status=400)
    if form.is_spam:
        return render(request, "groups/waiting_message.html", _check_your_email(), status=200)
    data = form.cleaned_data
    try:
        alerts.waiting_request_create(
            user=request.user,
            email=data.get("email", ""),
            latitude=data["latitude"],
            longitude=data["longitude"],
            radius_km=form.radius_km,
            format=data["format"],
            language=data["language"] or "",
            now=timezone.now(),
        )
    except ActionRefused as error:
        form.add_error(None, error.message)
        return render(request, "groups/waiting_form.html", {"form": form}, status=error.status)
    if form.member:
        messages.success(
            request,
            _("Done. We will e-mail you when a group starts near there. Your requests are on your account page."),
        )  # noqa: E501
        return redirect("account")
    return render(request, "groups/waiting_message.html", _check_your_email())


def _check_your_email():
    return {
        "title": _("Check your e-mail"),
        "text": _(
            "We have sent you a link to confirm. Until you confirm, nothing is kept for more than two days, "
            "and we will not write to you again."
        ),
    }


def waiting_confirm(request, token):
    """The link in the confirmation e-mail shows a button: a mail scanner that follows links
    confirms nothing."""
    waiting = WaitingRequest.objects.filter(confirm_token=token[:64]).first()
    if request.method == "POST":
        try:
            alerts.waiting_request_confirm(token=token, now=timezone.now())
        except ActionRefused as error:
            return _refused(request, error)
        return render(
            request,
            "groups/waiting_message.html",
            {
                "title": _("You are on the list"),
                "text": _("We will e-mail you when a group starts within reach. Every e-mail has a link to stop."),
            },
        )
    if waiting is None:
        return _refused(request, alerts.WaitingError(_("This confirmation link is not valid any more."), 404))
    return render(request, "groups/waiting_confirm.html", {"waiting": waiting})


@csrf_exempt  # RFC 8058: a mail client's one-click unsubscribe posts without cookies; the token is the credential
def waiting_unsubscribe(request, token):
    waiting = WaitingRequest.objects.filter(unsubscribe_token=token[:64]).first()
    if waiting is None:
        return _refused(request, alerts.WaitingError(_("This link is not valid any more."), 404))
    if request.method == "POST":
        alerts.waiting_request_end(request=waiting, now=timezone.now())
        return render(
            request,
            "groups/waiting_message.html",
            {
                "title": _("You will not hear from us again"),
                "text": _("Your request is stopped. If you would like to wait again, ask from any search."),
            },
        )
    return render(request, "groups/waiting_unsubscribe.html", {"waiting": waiting})


def waiting_renew(request, token):
    waiting = WaitingRequest.objects.filter(unsubscribe_token=token[:64]).first()
    if waiting is None:
        return _refused(request, alerts.WaitingError(_("This link is not valid any more."), 404))
    if request.method == "POST":
        try:
            alerts.waiting_request_renew(token=token, now=timezone.now())
        except ActionRefused as error:
            return _refused(request, error)
        return render(
            request,
            "groups/waiting_message.html",
            {
                "title": _("Still waiting, for another year"),
                "text": _("We will e-mail you when a group starts within reach."),
            },
        )
    return render(request, "groups/waiting_renew.html", {"waiting": waiting})


@require_POST
@login_required
def waiting_stop(request, pk):
    try:
        alerts.waiting_request_end_for(user=request.user, pk=pk, now=timezone.now())
    except ActionRefused as error:
        return _refused(request, error)
    messages.success(request, _("That request is stopped."))
    return redirect("account")


def start_group(request):
    """Where people are waiting, in areas coarse enough that no one is singled out, and how to
    start a group there."""
    return render(
        request,
        "groups/start.html",
        {
            "areas": alerts.demand_by_area(now=timezone.now()),
            "minimum": settings.WAITING_MIN_SHOWN,
            "area_km": int(settings.WAITING_AREA_KM),
        },
    )


def waiting_form_for(request, location, *, radius, units):
    """The "tell me" form for a search's place, or None when the search found no place."""
    if location is None:
        return None
    # The form carries the cell the request will be kept as, not the point the search found.
    latitude, longitude = cell_for(location.latitude, location.longitude, size_km=settings.WAITING_CELL_KM).centre
    initial = {
        "latitude": latitude,
        "longitude": longitude,
        "radius": radius if radius in dict(WaitingRequestForm.RADII) else 25,
        "units": units,
        "language": (get_language() or "en")[:2],
    }
    return WaitingRequestForm(initial=initial, user=request.user)
