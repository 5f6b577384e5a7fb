from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "sessions"
    # "sessions" is taken by django.contrib.sessions; this label is in every
    # table name and migration of this app, so it never changes.
    label = "meetings"
    verbose_name = _("Bijeenkomsten")

    def ready(self):
        from . import signals  # noqa: F401 -- connects the receivers
