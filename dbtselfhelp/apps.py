"""App configurations the project gives to other packages' apps: names the admin shows in the
reader's language."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
