"""Settings of the floor app (bench/floor_app.py): Channels and nothing else."""

import os

SECRET_KEY = "bench-floor-only"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["channels"]
DATABASES = {}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
if os.environ.get("FLOOR_LAYER"):  # the floor on the project's in-memory layer (a second floor row)
    CHANNEL_LAYERS = {"default": {"BACKEND": os.environ["FLOOR_LAYER"]}}
if os.environ.get("REDIS_URL"):  # the scale-out run: two processes share Redis, like the project
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]]},
        }
    }
USE_TZ = True
