from django.urls import path

from .views import moderation

urlpatterns = [
    path("", moderation.console, name="moderation"),
    path("groups/<slug:slug>/", moderation.review_group, name="moderation_group"),
    path("groups/<slug:slug>/approve/", moderation.approve, name="moderation_approve"),
    path("groups/<slug:slug>/reject/", moderation.reject, name="moderation_reject"),
    path("groups/<slug:slug>/unpublish/", moderation.unpublish, name="moderation_unpublish"),
    path("groups/<slug:slug>/archive/", moderation.archive, name="moderation_archive"),
    path("reports/<int:pk>/close/", moderation.close_report, name="moderation_report_close"),
    path("reports/<int:pk>/ask/", moderation.ask_facilitators, name="moderation_report_ask"),
]
