"""Settings of the floor app (bench/floor_app.py): Channels and nothing else."""

SECRET_KEY = "bench-floor-only"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["channels"]
DATABASES = {}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
USE_TZ = True
