import pytest
from channels.layers import channel_layers


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """A channel layer per test: each async test has its own event loop, and the
    Redis layer binds its locks and connections to the loop that first used it."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
