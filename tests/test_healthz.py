"""/healthz for a load balancer: the database and the channel layer, without internals."""

import pytest
from channels.layers import channel_layers
from django.test import Client


@pytest.fixture
def fresh_layers():
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def test_healthy(db, fresh_layers):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_an_unreachable_channel_layer_is_unhealthy_and_recovers(db, settings, fresh_layers, caplog):
    healthy = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},  # the discard port: nothing listens
        }
    }
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "channel_layer": "unavailable"}
    assert "9/0" not in response.content.decode() and "Error" not in response.content.decode()
    assert "health check: channel layer" in caplog.text
    settings.CHANNEL_LAYERS = healthy
    channel_layers.backends = {}
    assert Client().get("/healthz").status_code == 200
