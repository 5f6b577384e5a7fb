"""The Redis channel layer as the settings configure it (runs where REDIS_URL is set: CI's second run)."""

import asyncio
import random

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI's second run has it)"),
]

SOCKETS = 20
CYCLES = 60  # per socket: 1,200 cancelled receives; with the old configuration one stuck within a few hundred


async def receive_and_cancel(layer: RedisChannelLayer, channel: str, stuck: list) -> None:
    """What a consumer's socket does over and over: receive, maybe get a message, stop receiving."""
    for cycle in range(CYCLES):
        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(random.random() * 0.02)
        if random.random() < 0.5:
            await layer.send(channel, {"type": "meeting.push", "cycle": cycle})
        await asyncio.sleep(random.random() * 0.01)
        receiving.cancel()
        done, _pending = await asyncio.wait([receiving], timeout=5)
        if not done:
            stuck.append(receiving)
            return


async def test_a_cancelled_receive_always_ends():
    """Channels cancels a socket's receive when the socket closes, and daphne cancels every
    receive when it shuts down. With a socket timeout, redis-py sends through asyncio.wait_for,
    which on Python 3.11 swallows a cancel that falls as the send completes: the receive then
    goes on reading for ever, its consumer never ends, and daphne never stops."""
    # All of a process's sockets share one Redis key, and messages sent while no receive runs wait
    # there: room for every send, so a slow shared Redis fails this test only on what it tests.
    layer = RedisChannelLayer(
        **settings.CHANNEL_LAYERS["default"]["CONFIG"], prefix="test-cancel", capacity=SOCKETS * CYCLES
    )
    stuck = []
    channels = [await layer.new_channel() for _ in range(SOCKETS)]
    try:
        await asyncio.gather(*(receive_and_cancel(layer, channel, stuck) for channel in channels))
        assert not stuck, f"{len(stuck)} receive(s) went on after being cancelled"
    finally:
        for receiving in stuck:
            receiving.cancel()  # a second cancel ends them
        if stuck:
            await asyncio.wait(stuck, timeout=10)
        await layer.flush()
