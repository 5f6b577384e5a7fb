from django.apps import AppConfig


class IntervisieConfig(AppConfig):
    name = "intervisie"

    def ready(self):
        from . import checks  # noqa: F401 -- registers the system checks
