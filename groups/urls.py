from django.urls import path

from .views import (
    advisers,
    facilitators,
    feeds,
    listing,
    membership,
    notifications,
    outreach,
    rotation,
    search,
    waiting,
)

# Data for other programs, the same whatever the interface language: one address each, outside
# the language prefix (dbtselfhelp/urls.py puts these before i18n_patterns).
data_urlpatterns = [
    path("feed.json", feeds.meeting_guide_feed, name="meeting_guide_feed"),
    path("calendar/<str:token>.ics", feeds.member_calendar, name="member_calendar"),
    path("<slug:slug>/calendar.ics", feeds.group_calendar, name="group_calendar"),
]

urlpatterns = [
    path("", search.group_search, name="group_list"),
    path("new/", listing.group_create, name="group_create"),
    path("manage/", facilitators.manage, name="group_manage"),
    path("invitations/<str:token>/", facilitators.invitation_accept, name="invitation_accept"),
    path("feed/", feeds.feed_about, name="feed_about"),
    path("advisers/<int:pk>/accept/", advisers.adviser_respond, {"answer": "accept"}, name="adviser_accept"),
    path("advisers/<int:pk>/decline/", advisers.adviser_respond, {"answer": "decline"}, name="adviser_decline"),
    path("calendar/reset/", feeds.reset_member_calendar, name="member_calendar_reset"),
    path("start/", waiting.start_group, name="start_group"),
    path("waiting/", waiting.waiting_create, name="waiting_create"),
    path("waiting/confirm/<str:token>/", waiting.waiting_confirm, name="waiting_confirm"),
    path("waiting/unsubscribe/<str:token>/", waiting.waiting_unsubscribe, name="waiting_unsubscribe"),
    path("waiting/renew/<str:token>/", waiting.waiting_renew, name="waiting_renew"),
    path("waiting/<int:pk>/stop/", waiting.waiting_stop, name="waiting_stop"),
    path("print/", outreach.print_list, name="group_print"),
    path("print.pdf", outreach.print_list, {"as_pdf": True}, name="group_print_pdf"),
    path("change-emails/stop/<str:token>/", notifications.change_emails_stop, name="change_emails_stop"),
    path("<slug:slug>/", listing.group_detail, name="group_detail"),
    path("<slug:slug>/flyer/", outreach.flyer, name="group_flyer"),
    path("<slug:slug>/flyer.pdf", outreach.flyer, {"as_pdf": True}, name="group_flyer_pdf"),
    path("<slug:slug>/edit/", listing.group_edit, name="group_edit"),
    path("<slug:slug>/submit/", listing.group_submit, name="group_submit"),
    path("<slug:slug>/confirm/", listing.group_confirm, name="group_confirm"),
    path("<slug:slug>/notices/", listing.group_notices, name="group_notices"),
    path("<slug:slug>/notices/<int:pk>/delete/", listing.notice_delete, name="notice_delete"),
    path("<slug:slug>/report/", listing.group_report, name="group_report"),
    path("<slug:slug>/join/", membership.join, name="group_join"),
    path("<slug:slug>/join/withdraw/", membership.withdraw, name="group_join_withdraw"),
    path("<slug:slug>/leave/", membership.leave, name="group_leave"),
    path("<slug:slug>/requests/", membership.requests, name="group_requests"),
    *[
        path(f"<slug:slug>/requests/<int:pk>/{action}/", membership.decide, {"action": action}, name=f"group_{action}")
        for action in ("approve", "decline", "remove")
    ],
    path("<slug:slug>/facilitators/", facilitators.facilitators, name="group_facilitators"),
    path("<slug:slug>/facilitators/<int:pk>/remove/", facilitators.facilitator_remove, name="facilitator_remove"),
    path("<slug:slug>/invitations/<int:pk>/cancel/", facilitators.invitation_cancel, name="invitation_cancel"),
    path("<slug:slug>/advisers/<int:user_id>/invite/", advisers.adviser_invite, name="adviser_invite"),
    path("<slug:slug>/change-emails/", notifications.change_emails, name="group_change_emails"),
    path("<slug:slug>/rotation/", rotation.group_rotation, name="group_rotation"),
    *[
        path(
            f"<slug:slug>/rotation/{action}/",
            rotation.rotation_change,
            {"action": action},
            name=f"group_rotation_{action}",
        )
        for action in rotation.ACTIONS
    ],
]
