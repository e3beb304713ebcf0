from django.urls import path

from .views import facilitators, listing, search

urlpatterns = [
    path("", search.group_search, name="group_list"),
    path("new/", listing.group_create, name="group_create"),
    path("manage/", facilitators.manage, name="group_manage"),
    path("invitations/<str:token>/", facilitators.invitation_accept, name="invitation_accept"),
    path("<slug:slug>/", listing.group_detail, name="group_detail"),
    path("<slug:slug>/edit/", listing.group_edit, name="group_edit"),
    path("<slug:slug>/submit/", listing.group_submit, name="group_submit"),
    path("<slug:slug>/confirm/", listing.group_confirm, name="group_confirm"),
    path("<slug:slug>/notices/", listing.group_notices, name="group_notices"),
    path("<slug:slug>/notices/<int:pk>/delete/", listing.notice_delete, name="notice_delete"),
    path("<slug:slug>/report/", listing.group_report, name="group_report"),
    path("<slug:slug>/facilitators/", facilitators.facilitators, name="group_facilitators"),
    path("<slug:slug>/facilitators/<int:pk>/remove/", facilitators.facilitator_remove, name="facilitator_remove"),
    path("<slug:slug>/invitations/<int:pk>/cancel/", facilitators.invitation_cancel, name="invitation_cancel"),
]
