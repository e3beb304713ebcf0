import json
from importlib import import_module

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone


def _privacy_modules():
    return [import_module(name) for name in settings.PRIVACY_MODULES]


def export_user_data(*, user):
    """Everything the site holds about this person, from every app, as a dict."""
    data = {"exported_at": timezone.now().isoformat(), "site": settings.SITE_NAME}
    for module in _privacy_modules():
        data.update(module.export_user_data(user))
    return data


def export_user_data_json(*, user):
    return json.dumps(export_user_data(user=user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


@transaction.atomic
def delete_account(*, user):
    """Erase the person's data in every app, then the account itself.

    Other sessions of the account end by themselves: once the user row is gone,
    Django's authentication middleware resolves them to an anonymous visitor.
    """
    for module in reversed(_privacy_modules()):
        module.erase_user_data(user)
    user.delete()


def describe_erasure():
    """What delete_account removes, in the words each app uses, for the deletion page."""
    lines = []
    for module in _privacy_modules():
        lines.extend(module.ERASURE_SUMMARY)
    return lines
