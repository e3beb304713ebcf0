from django.urls import path

from .views import contact, moderation, professionals

urlpatterns = [
    path("professionals/", professionals.professional_list, name="professional_list"),
    path("professionals/<int:pk>/", professionals.professional_detail, name="professional_detail"),
    path("professionals/join/", professionals.professional_join, name="professional_join"),
    path("professionals/me/", professionals.professional_me, name="professional_me"),
    path("professionals/me/withdraw/", professionals.professional_withdraw, name="professional_withdraw"),
    path("contact/", contact.contact, name="contact"),
    path("moderation/professionals/", moderation.professional_queue, name="moderation_professionals"),
    path("moderation/professionals/<int:pk>/", moderation.professional_review, name="moderation_professional"),
    path(
        "moderation/professionals/<int:pk>/verify/",
        moderation.professional_decide,
        {"action": "verify"},
        name="moderation_professional_verify",
    ),
    path(
        "moderation/professionals/<int:pk>/reject/",
        moderation.professional_decide,
        {"action": "reject"},
        name="moderation_professional_reject",
    ),
    path("moderation/messages/", moderation.contact_messages, name="moderation_messages"),
    path(
        "moderation/messages/<int:pk>/handled/", moderation.contact_message_handled, name="moderation_message_handled"
    ),
]
