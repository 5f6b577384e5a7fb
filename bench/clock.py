"""Timer agreement: phones with wrong clocks and slow networks, in Python.

Each simulated client has a clock off by up to ±5 minutes and a network that
adds 100±50 ms each way (a sleep before every send and after every receive).
It estimates its offset the way static/js/live.js does: five pings 150 ms
apart, offset = ((t1 - t0) + (t2 - t3)) / 2 of the sample with the lowest
round trip among the last eight (a reconnect keeps the earlier socket's).
Then all clients compute deadline - (their now + offset) at the same true
instant, and we compare that with the server's deadline - now.
"""

import asyncio
import json
import random
import time

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

SKEW_MS = 5 * 60 * 1000
LATENCY_S = (0.050, 0.150)  # one way, uniform: 100 ± 50 ms
SAMPLE_COUNT = 5
SAMPLES_KEPT = 8  # live.js keeps the last 8, across a reconnect too
SAMPLE_EVERY_S = 0.150
ATTEMPTS = 8  # connection attempts, with live.js's jittered backoff in between


class SkewedClient:
    """One phone: a wrong clock, a slow network, one socket."""

    def __init__(self, url: str, headers: dict, rng: random.Random, meeting: int):
        self.url, self.headers, self.rng, self.meeting = url, headers, rng, meeting
        self.skew_ms = rng.uniform(-SKEW_MS, SKEW_MS)
        self.offset_ms = 0.0
        self.deadline = None
        self.samples: list[tuple[float, float]] = []  # (round trip, offset)
        self.ws = None
        self.reader = None
        self.got_snapshot = asyncio.Event()
        self.got_samples = asyncio.Event()
        self.first_pong_at = None
        self.pongs = 0  # answered pings, over every socket
        self.wanted = SAMPLE_COUNT
        self.in_flight: set[asyncio.Task] = set()
        self.refused = 0  # attempts that failed and were retried

    def now_ms(self) -> float:
        """This phone's idea of the time: Date.now()."""
        return time.time() * 1000 + self.skew_ms

    def latency(self) -> float:
        return self.rng.uniform(*LATENCY_S)

    async def open(self) -> None:
        """Connect and wait for the snapshot; retry like live.js (250 ms doubling, at most 5 s)."""
        for attempt in range(ATTEMPTS):
            self.got_snapshot.clear()
            try:
                self.ws = await connect(
                    self.url, additional_headers=self.headers, open_timeout=30, ping_interval=None
                )
                self.reader = asyncio.create_task(self._read(self.ws))
                await asyncio.wait_for(self.got_snapshot.wait(), 30)
                return
            except (OSError, TimeoutError, WebSocketException):
                self.refused += 1
                await self.close()
                await asyncio.sleep(min(5.0, 0.25 * 2**attempt) * (0.5 + self.rng.random() / 2))
        raise RuntimeError(f"no snapshot after {ATTEMPTS} attempts")

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 5)
            except (OSError, TimeoutError, WebSocketException):
                pass
            self.reader.cancel()
            self.ws = None

    async def _read(self, ws) -> None:
        try:
            async for raw in ws:
                task = asyncio.create_task(self._deliver(json.loads(raw)))
                self.in_flight.add(task)
                task.add_done_callback(self.in_flight.discard)
        except ConnectionClosed:
            pass

    async def _deliver(self, message: dict) -> None:
        await asyncio.sleep(self.latency())  # the way down
        if message.get("type") == "pong":
            t3 = self.now_ms()
            rtt = t3 - message["t0"] - (message["t2"] - message["t1"])
            offset = ((message["t1"] - message["t0"]) + (message["t2"] - t3)) / 2
            self.samples = [*self.samples, (rtt, offset)][-SAMPLES_KEPT:]
            self.offset_ms = min(self.samples)[1]
            self.first_pong_at = self.first_pong_at or time.perf_counter()
            self.pongs += 1
            if self.pongs >= self.wanted:
                self.got_samples.set()
        elif message.get("type") in ("snapshot", "push"):
            self.deadline = message["deadline"]
            self.got_snapshot.set()

    async def _ping(self, after: float) -> None:
        await asyncio.sleep(after)
        t0 = self.now_ms()
        await asyncio.sleep(self.latency())  # the way up
        await self.ws.send(json.dumps({"type": "ping", "t0": t0}))

    async def estimate(self) -> None:
        """Five pings 150 ms apart, like live.js on open; wait for the answers.

        Like live.js, the samples of an earlier socket stay (the last 8 in all).
        """
        self.first_pong_at, self.wanted = None, self.pongs + SAMPLE_COUNT
        self.got_samples.clear()
        await asyncio.gather(*(self._ping(i * SAMPLE_EVERY_S) for i in range(SAMPLE_COUNT)))
        await asyncio.wait_for(self.got_samples.wait(), 30)

    @property
    def best_rtt_ms(self) -> float:
        return min(self.samples)[0]

    def remaining_ms(self, true_now_ms: float) -> float:
        """What this phone's countdown shows at the true instant `true_now_ms`."""
        return self.deadline - ((true_now_ms + self.skew_ms) + self.offset_ms)


def disagreement(clients: list[SkewedClient], server_deadlines: dict[int, int]) -> list[float]:
    """|client remaining - server remaining| for every client with an estimate, at one true instant."""
    true_now = time.time() * 1000
    return [
        abs(client.remaining_ms(true_now) - (server_deadlines[client.meeting] - true_now))
        for client in clients
        if client.samples and client.deadline is not None
    ]


async def reconnect(client: SkewedClient) -> tuple[float, float, float] | None:
    """Close and reopen, then re-estimate; seconds to the snapshot, to the first pong and to
    all five (None: failed). With the snapshot the phone has the current deadline again, and
    its countdown agrees on the offset it kept; the pongs make that offset fresh."""
    started = time.perf_counter()
    await client.close()
    try:
        await client.open()
        snapshot_at = time.perf_counter()
        await client.estimate()
    except (RuntimeError, TimeoutError, WebSocketException):
        client.samples = []
        return None
    return snapshot_at - started, client.first_pong_at - started, time.perf_counter() - started
