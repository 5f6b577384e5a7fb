from django.conf import settings
from django.core.checks import Warning, register


@register()
def channel_layer_reaches_all_processes(app_configs, **kwargs):
    """The in-memory channel layer cannot push to sockets held by another process."""
    if not settings.DEBUG and not settings.REDIS_URL:
        return [
            Warning(
                "REDIS_URL is not set: the in-memory channel layer only reaches sockets "
                "of the same process, so run a single server process or set REDIS_URL.",
                id="intervisie.W001",
            )
        ]
    return []
