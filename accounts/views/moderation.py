"""Moderators' queues kept by the accounts app: professional applications and contact messages."""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dbtselfhelp.access import moderator_required
from dbtselfhelp.errors import refusals_shown
from dbtselfhelp.formats import when

from .. import contact, professionals
from ..forms import ReasonForm
from ..models import ContactMessage, ProfessionalProfile

# Lazy: built when the module loads, read in each moderator's language.
CHECKLIST = [
    gettext_lazy("The license number is found in the issuing region's public register, under this name."),
    gettext_lazy("The license is current, with no restriction that bears on endorsing."),
    gettext_lazy("The profession and credentials match the register."),
    gettext_lazy("The website, if given, belongs to this person or their organization."),
    gettext_lazy("The statement is an endorsement, not advertising, and gives no clinical advice."),
]


@moderator_required
def professional_queue(request):
    return render(
        request,
        "accounts/moderation/professionals.html",
        {
            "pending": ProfessionalProfile.objects.pending().select_related("user").order_by("submitted_at"),
            "decided": ProfessionalProfile.objects.exclude(status=ProfessionalProfile.Status.PENDING)
            .select_related("reviewed_by")
            .order_by("-reviewed_at")[:30],
        },
    )


@moderator_required
def professional_review(request, pk):
    profile = get_object_or_404(ProfessionalProfile.objects.select_related("user"), pk=pk)
    context = {
        "profile": profile,
        "checklist": CHECKLIST,
        "reject_form": ReasonForm(),
        "history": profile.events.select_related("actor"),
    }
    return render(request, "accounts/moderation/professional_review.html", context)


@require_POST
@moderator_required
@refusals_shown(redirect_to=lambda request, pk, **kwargs: reverse("moderation_professional", args=[pk]))
def professional_decide(request, pk, action):
    """Which applications can be decided, and that a rejection needs a reason, are the service's
    rules: a refusal comes back to the application's page as an error."""
    profile = get_object_or_404(ProfessionalProfile, pk=pk)
    if action == "verify":
        professionals.professional_verify(profile=profile, by=request.user, note=request.POST.get("note", "")[:2000])
        messages.success(request, _("%(name)s is verified and listed.") % {"name": profile.public_name})
        return redirect("moderation_professionals")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""  # an empty reason is refused
    professionals.professional_reject(profile=profile, by=request.user, reason=reason)
    messages.success(request, _("Rejected. The applicant has been e-mailed the reason."))
    return redirect("moderation_professionals")


def reply_link(message):
    """A mailto: link that opens the moderator's own mail program with a reply to a contact
    message: the sender's address, "Re:" and the topic as the subject, the message quoted
    below (shortened, as mail programs limit how long a link may be)."""
    quoted = message.message if len(message.message) <= 1200 else message.message[:1200] + "…"
    wrote = _("On %(when)s, %(name)s wrote:") % {
        "when": when(message.created_at, "date"),
        "name": message.name,
    }
    body = "\n\n\n" + wrote + "\n" + "\n".join("> " + line for line in quoted.splitlines())
    subject = _("Re: your message to %(site)s (%(topic)s)") % {
        "site": settings.SITE_NAME,
        "topic": message.get_topic_display(),
    }
    return f"mailto:{quote(message.email, safe='@')}?" + urlencode({"subject": subject, "body": body}, quote_via=quote)


@moderator_required
def contact_messages(request):
    new = list(ContactMessage.objects.filter(status=ContactMessage.Status.NEW).order_by("created_at"))
    for message in new:
        message.reply_link = reply_link(message)
    return render(
        request,
        "accounts/moderation/messages.html",
        {
            "new": new,
            "handled": ContactMessage.objects.filter(status=ContactMessage.Status.HANDLED)
            .select_related("handled_by")
            .order_by("-handled_at")[:30],
        },
    )


@require_POST
@moderator_required
@refusals_shown(redirect_to="moderation_messages")
def contact_message_handled(request, pk):
    message = get_object_or_404(ContactMessage, pk=pk, status=ContactMessage.Status.NEW)
    contact.contact_message_handle(message=message, by=request.user)
    messages.success(request, _("Marked as handled."))
    return redirect("moderation_messages")
