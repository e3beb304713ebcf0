"""Professional endorsers: the public list, applying, and one's own listing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dbtselfhelp.access import verified_member_required
from dbtselfhelp.errors import refusals_shown

from .. import professionals
from ..filters import ProfessionalFilter
from ..forms import ProfessionalForm
from ..models import ProfessionalProfile


def professional_list(request):
    """Verified endorsers, filterable by profession and region. Never the licence number."""
    filterset = ProfessionalFilter(
        request.GET or None, queryset=ProfessionalProfile.objects.verified().order_by("public_name")
    )
    valid = filterset.is_valid() if request.GET else True
    page = Paginator(filterset.qs if valid else ProfessionalProfile.objects.none(), 30).get_page(
        request.GET.get("page")
    )
    own = ProfessionalProfile.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    return render(
        request,
        "accounts/professional_list.html",
        {"filter_form": filterset.form, "page": page, "own_profile": own},
        status=200 if valid else 400,
    )


def professional_detail(request, pk):
    """One verified endorser's public entry (what the list shows, at an address of its own).
    Anything not verified is 404 to everyone, its owner included: it is not public."""
    profile = get_object_or_404(ProfessionalProfile.objects.verified(), pk=pk)
    own = request.user.is_authenticated and profile.user_id == request.user.pk
    return render(request, "accounts/professional_detail.html", {"p": profile, "is_own": own})


@verified_member_required
def professional_join(request):
    profile = ProfessionalProfile.objects.filter(user=request.user).first()
    if profile is not None:
        return redirect("professional_me")
    form = ProfessionalForm(request.POST or None, initial={"public_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        professionals.professional_apply(profile=form.save(commit=False), user=request.user)
        messages.success(request, _("Thank you. A moderator will check your details, usually within a week."))
        return redirect("professional_me")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/professional_form.html", {"form": form, "profile": None}, status=status)


@verified_member_required
def professional_me(request):
    profile = ProfessionalProfile.objects.filter(user=request.user).first()
    if profile is None:
        return redirect("professional_join")
    form = ProfessionalForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        back_to_review = professionals.professional_update(
            profile=form.save(commit=False), by=request.user, changed=form.changed_data
        )
        if back_to_review:
            messages.success(request, _("Saved. A moderator will check the changed details before they are listed."))
        else:
            messages.success(request, _("Your statement is updated."))
        return redirect("professional_me")
    context = {"form": form, "profile": profile, "invitations": _adviser_invitations(request.user)}
    return render(request, "accounts/professional_form.html", context, status=400 if request.method == "POST" else 200)


def _adviser_invitations(user):
    """Invitations to advise a group, from the groups app, found through the user."""
    related = getattr(user, "adviser_roles", None)
    if related is None:
        return []
    return list(related.select_related("group").filter(status=related.model.Status.INVITED))


@require_POST
@verified_member_required
@refusals_shown()
def professional_withdraw(request):
    profile = ProfessionalProfile.objects.filter(user=request.user).first()
    if profile is None:
        return redirect("professional_join")
    professionals.professional_withdraw(profile=profile, by=request.user)
    messages.success(request, _("You are no longer listed as an endorser."))
    return redirect("professional_me")
