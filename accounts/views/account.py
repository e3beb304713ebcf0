from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .. import services
from ..forms import AccountForm, DeleteAccountForm
from ..models import ProfessionalProfile
from .language import remember_language


@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        language = form.cleaned_data["language"]
        with translation.override(language):  # the message and the page in the language just chosen
            messages.success(request, _("Your settings are saved."))
            response = redirect("account")
        remember_language(response, language)
        return response
    sections = [import_string(path)(request) for path in settings.ACCOUNT_SECTIONS]
    professional = ProfessionalProfile.objects.filter(user=request.user).first()
    context = {"form": form, "sections": sections, "professional": professional}
    return render(request, "accounts/account.html", context)


@login_required
@reauthentication_required
def export_data(request):
    """The person's data as a JSON file download."""
    response = HttpResponse(
        services.export_user_data_json(user=request.user), content_type="application/json; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="dbt-self-help-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.delete_account(user=request.user)
        logout(request)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("home")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "erasure": services.describe_erasure(), "export_url": reverse("account_export")},
    )
