from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import OutgoingEmail


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("queued", _("queued")), ("failed", _("given up")), ("sent", _("sent"))]

    def queryset(self, request, queryset):
        if self.value() == "queued":
            return queryset.queued()
        if self.value() == "failed":
            return queryset.filter(failed_at__isnull=False)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """What the site is sending, has sent in the last days, and gave up on. Read-only but for a fresh start."""

    list_display = ["created_at", "template", "to", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = [StatusFilter, "template"]
    search_fields = ["to", "reply_to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("status"))
    def status(self, obj):
        return obj.status

    @admin.action(description=_("Send again (a fresh set of attempts, starting now)"))
    def send_again(self, request, queryset):
        count = queryset.filter(sent_at__isnull=True).update(attempts=0, failed_at=None, next_attempt_at=timezone.now())
        self.message_user(request, _("%(count)s message(s) will be sent by the next run.") % {"count": count})
