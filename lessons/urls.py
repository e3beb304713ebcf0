from django.urls import path

from . import toolkit, views

urlpatterns = [
    path("lessons/", views.lesson_index, name="lesson_index"),
    path("lessons/feed/", views.LessonFeed(), name="lesson_feed"),
    path("lessons/<slug:slug>/", views.lesson_or_module, name="lesson_detail"),
    path("lessons/<slug:slug>/", views.lesson_or_module, name="lesson_module"),
    path("toolkit/", toolkit.toolkit_index, name="toolkit_index"),
    path("toolkit/<slug:slug>/", toolkit.toolkit_page, name="toolkit_page"),
    path("skills/", views.skill_list, name="skill_list"),
    path("skills/<slug:slug>/", views.skill_detail, name="skill_detail"),
    path("testimonials/", views.testimonial_list, name="testimonial_list"),
    path("testimonials/new/", views.testimonial_create, name="testimonial_create"),
    path("moderation/testimonials/", views.moderation_testimonials, name="moderation_testimonials"),
    path(
        "moderation/testimonials/<int:pk>/approve/",
        views.moderation_testimonial_decide,
        {"action": "approve"},
        name="moderation_testimonial_approve",
    ),
    path(
        "moderation/testimonials/<int:pk>/reject/",
        views.moderation_testimonial_decide,
        {"action": "reject"},
        name="moderation_testimonial_reject",
    ),
]
