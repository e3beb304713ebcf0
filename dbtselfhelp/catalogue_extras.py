"""Strings of Django and its apps that the site shows but whose own Spanish catalogue lacks them (or
words them differently from the site): listed here so that `make messages` keeps them in
locale/<language>/LC_MESSAGES/django.po, which Django reads before any app's catalogue.
Nothing imports this module."""

from django.utils.translation import gettext_noop

DJANGO = [
    gettext_noop("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL, new in Django 6.1
]
