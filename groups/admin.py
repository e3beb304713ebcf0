from django.contrib import admin

from .models import (
    Audience,
    FacilitatorInvitation,
    GroupFacilitator,
    ListingEvent,
    MeetingTime,
    Notice,
    PeerGroup,
    Place,
    Report,
)


class MeetingTimeInline(admin.TabularInline):
    model = MeetingTime
    extra = 0


class FacilitatorInline(admin.TabularInline):
    model = GroupFacilitator
    extra = 0
    raw_id_fields = ["user"]


class NoticeInline(admin.TabularInline):
    model = Notice
    extra = 0
    readonly_fields = ["created_by", "created_at"]


class ListingEventInline(admin.TabularInline):
    model = ListingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "action", "note", "changes"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "format", "town", "country", "last_confirmed_at", "has_unreviewed_changes"]
    list_filter = ["status", "format", "language", "location_privacy", "country", "has_unreviewed_changes", "module"]
    search_fields = ["name", "slug", "town", "region", "postal_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["audiences"]
    readonly_fields = [
        "created_at",
        "updated_at",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "public_latitude",
        "public_longitude",
        "location_source",
        "review_snapshot",
        "reminder_sent_at",
    ]
    inlines = [MeetingTimeInline, FacilitatorInline, NoticeInline, ListingEventInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["group", "reason", "status", "created_at", "resolved_at"]
    list_filter = ["status", "reason"]
    search_fields = ["group__name", "text"]
    readonly_fields = ["created_at", "resolved_by", "resolved_at", "reporter"]


@admin.register(ListingEvent)
class ListingEventAdmin(admin.ModelAdmin):
    list_display = ["group", "action", "actor", "created_at"]
    list_filter = ["action"]
    search_fields = ["group__name", "note"]
    readonly_fields = ["group", "actor", "action", "note", "changes", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(FacilitatorInvitation)
class FacilitatorInvitationAdmin(admin.ModelAdmin):
    list_display = ["group", "email", "created_at", "accepted_at"]
    search_fields = ["group__name", "email"]
    readonly_fields = ["token", "created_at", "accepted_at", "invited_by"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "region_name", "country_code", "population", "time_zone"]
    list_filter = ["country_code"]
    search_fields = ["name", "search_name"]


admin.site.register(Audience)
admin.site.register(Notice)
