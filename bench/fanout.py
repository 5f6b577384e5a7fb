"""Fan-out latency: from just before a command's POST until the last socket of
its room has received the new version: first its state (the project sends a
command's state ahead of the rendered fragments), then the complete push
with the fragments (the floor's one frame is both).

The same code measures the project and the floor app; a Target says how to
reach one of them (socket URL and headers, and the command request).
"""

import asyncio
import json
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"  # 32 alphanumerics: Django takes it as the secret
CHANGE_TIMEOUT = 10.0  # s; a socket without the new version by then counts as lost
CONNECT_CONCURRENCY = 16


@dataclass
class Stats:
    """What one pass (one server) measured."""

    connect_ms: list[float] = field(default_factory=list)
    connect_seconds: float = 0.0
    connect_failures: int = 0  # sockets that never got in
    refused: int = 0  # attempts that failed (each retried while attempts were left)
    failure_kinds: dict = field(default_factory=lambda: defaultdict(int))
    not_snapshot_first: int = 0
    latencies_ms: list[float] = field(default_factory=list)  # until every socket has the new state
    complete_ms: list[float] = field(default_factory=list)  # ... and the fragments too
    post_ms: list[float] = field(default_factory=list)
    lost: int = 0
    out_of_order: int = 0
    failed_commands: int = 0
    statuses: dict = field(default_factory=lambda: defaultdict(int))
    push_bytes: list[int] = field(default_factory=list)
    closed_early: int = 0  # sockets the server closed before the benchmark did
    closing: bool = False
    # The facilitator's own screen (the one that pressed) against the phones' median, per change.
    facilitator_ms: list[float] = field(default_factory=list)
    phones_median_ms: list[float] = field(default_factory=list)
    facilitator_behind: int = 0  # changes where the facilitator's page was later than the median phone


class Room:
    """A meeting (or floor room) and what its sockets have received."""

    def __init__(self, key: int, sockets: int, member_sessions=(), facilitator_session: str = ""):
        self.key = key
        self.size = sockets
        self.member_sessions = list(member_sessions)
        self.facilitator_session = facilitator_session
        self.version = -1
        self.phase = ""
        self.arrivals: dict[int, dict[int, float]] = defaultdict(dict)  # first frame of a version
        self.complete: dict[int, dict[int, float]] = defaultdict(dict)  # first one with fragments
        self.waiters: dict[int, asyncio.Event] = {}
        self.facilitator_arrivals: dict[int, float] = {}  # first frame of a version on the facilitator's page
        self.busy = False

    def seen(self, socket: int, message: dict, at: float) -> None:
        version = message["version"]
        self.arrivals[version].setdefault(socket, at)
        if "html" in message:
            self.complete[version].setdefault(socket, at)
        if version > self.version:
            self.version, self.phase = version, message.get("phase", "")
        waiter = self.waiters.get(version)
        if waiter and len(self.complete[version]) >= self.size:
            waiter.set()


class Target:
    """How to reach a server under test. Subclasses say what a command is."""

    def __init__(self, label: str, port: int, socket_ports: tuple = ()):
        self.label, self.port = label, port
        self.socket_ports = socket_ports or (port,)  # sockets take these in turn (scale-out: two servers)
        self.origin = f"http://127.0.0.1:{port}"

    def socket_port(self, index: int) -> int:
        return self.socket_ports[index % len(self.socket_ports)]

    def socket_url(self, room: Room, index: int = 0) -> str:
        raise NotImplementedError

    def socket_headers(self, room: Room, index: int) -> dict:
        return {"Origin": self.origin}

    def command(self, room: Room) -> tuple[str, dict]:
        """The path and headers of the POST that makes the next change."""
        raise NotImplementedError

    def facilitator_socket(self, room: Room) -> tuple[str, dict] | None:
        """The URL and headers of the facilitator's own page socket, if the target has one."""
        return None


class ProjectTarget(Target):
    def __init__(self, label: str, port: int, phases: list[str], socket_ports: tuple = ()):
        super().__init__(label, port, socket_ports)
        self.phases = phases

    def socket_url(self, room, index=0):
        return f"ws://127.0.0.1:{self.socket_port(index)}/ws/meetings/{room.key}/"

    def socket_headers(self, room, index):
        # A room larger than the group (the 200-socket meeting): members on several devices.
        session = room.member_sessions[index % len(room.member_sessions)]
        return {"Origin": f"http://127.0.0.1:{self.socket_port(index)}", "Cookie": f"sessionid={session}"}

    def command(self, room):
        if room.phase == "lobby":
            name = "start"
        elif room.phase == self.phases[-1]:
            name = "go_back"
        else:
            name = "advance"
        headers = {
            "Cookie": f"sessionid={room.facilitator_session}; csrftoken={CSRF_TOKEN}",
            "X-CSRFToken": CSRF_TOKEN,
            "Origin": self.origin,
            "Referer": f"{self.origin}/meetings/{room.key}/facilitate/",
            "HX-Request": "true",
        }
        return f"/meetings/{room.key}/command/{name}/", headers

    def facilitator_socket(self, room):
        headers = {"Origin": self.origin, "Cookie": f"sessionid={room.facilitator_session}"}
        return f"ws://127.0.0.1:{self.port}/ws/meetings/{room.key}/", headers


class FloorTarget(Target):
    def socket_url(self, room, index=0):
        return f"ws://127.0.0.1:{self.socket_port(index)}/ws/rooms/{room.key}/"

    def command(self, room):
        return f"/rooms/{room.key}/send/", {}


async def http_request(port: int, method: str, path: str, form: str = "", headers: dict | None = None) -> int:
    """A minimal HTTP/1.1 request (one connection each); returns the status."""
    body = form.encode()
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # the rest, until the server closes
        return int(status_line.split()[1])
    finally:
        writer.close()


async def wait_idle(target: Target, room: Room, limit: float = 120.0) -> float:
    """Wait until a new socket gets its snapshot quickly; return the seconds waited.

    In the project every socket's database work (admission, snapshot,
    presence) queues on one shared thread, so a quick snapshot means the
    backlog of earlier connects and disconnects is gone. (HTTP requests run in
    threads of their own, so a quick page would not say that.)
    """
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        asked = time.perf_counter()
        try:
            async with connect(
                target.socket_url(room),
                additional_headers=target.socket_headers(room, 0),
                open_timeout=limit,
                ping_interval=None,
            ) as ws:
                await asyncio.wait_for(ws.recv(), limit)
        except (OSError, TimeoutError, EOFError, WebSocketException):
            pass
        else:
            if time.perf_counter() - asked < 0.2:
                break
        await asyncio.sleep(0.5)
    return time.perf_counter() - started


async def _listen(ws, room: Room, index: int, stats: Stats) -> None:
    """Record every state frame a socket receives, with its arrival time."""
    highest = room.version
    try:
        async for raw in ws:
            at = time.perf_counter()
            message = json.loads(raw)
            if message.get("type") not in ("state", "push", "snapshot"):
                continue
            if message["type"] == "push":
                stats.push_bytes.append(len(raw))
            if message["version"] < highest:
                stats.out_of_order += 1
                continue
            highest = message["version"]
            room.seen(index, message, at)
    except ConnectionClosed:
        pass
    if not stats.closing:
        stats.closed_early += 1


def _describe(error: Exception) -> str:
    """A short name for why a socket did not open (the HTTP status of a refused handshake)."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return f"{type(error).__name__} {status}" if status else type(error).__name__


def backoff(attempt: int, rng: random.Random) -> float:
    """live.js's reconnect delay: 250 ms doubling, at most 5 s, jittered to 50-100 %."""
    return min(5.0, 0.25 * 2**attempt) * (0.5 + rng.random() / 2)


async def _open(target: Target, room: Room, index: int, stats: Stats, gate, attempts: int, rng):
    """One socket, up to `attempts` tries; the time counts from the first try to the snapshot."""
    async with gate:
        started = time.perf_counter()
        for attempt in range(attempts):
            try:
                ws = await connect(
                    target.socket_url(room, index),
                    additional_headers=target.socket_headers(room, index),
                    open_timeout=60,
                    ping_interval=None,
                    max_size=2**22,
                )
                first = json.loads(await asyncio.wait_for(ws.recv(), 60))
                break
            except (OSError, TimeoutError, EOFError, ValueError, WebSocketException) as error:
                stats.refused += 1
                stats.failure_kinds[_describe(error)] += 1
                if attempt + 1 < attempts:
                    await asyncio.sleep(backoff(attempt, rng))
        else:
            stats.connect_failures += 1
            return None
        stats.connect_ms.append((time.perf_counter() - started) * 1000)
        if first.get("type") != "snapshot":
            stats.not_snapshot_first += 1
        else:
            room.seen(index, first, time.perf_counter())
        return ws, asyncio.create_task(_listen(ws, room, index, stats))


async def open_all(
    target: Target,
    rooms: list[Room],
    stats: Stats,
    at_once: int = CONNECT_CONCURRENCY,
    attempts: int = 1,
    rng: random.Random | None = None,
) -> list:
    """Open every room's sockets, `at_once` at a time, each with up to `attempts` tries."""
    gate = asyncio.Semaphore(at_once)
    rng = rng or random.Random(0)
    started = time.perf_counter()
    sockets = [(room, i) for room in rooms for i in range(room.size)]
    opened = await asyncio.gather(
        *(_open(target, room, i, stats, gate, attempts, rng) for room, i in sockets)
    )
    stats.connect_seconds = time.perf_counter() - started
    for room in rooms:  # a change waits for the sockets that got in (the others count as failures)
        room.size = sum(1 for (r, _i), pair in zip(sockets, opened, strict=True) if r is room and pair)
    return [pair for pair in opened if pair]


async def _listen_as_facilitator(ws, room: Room) -> None:
    """When each version first reaches the facilitator's own screen."""
    try:
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") in ("state", "push", "snapshot"):
                room.facilitator_arrivals.setdefault(message["version"], time.perf_counter())
    except ConnectionClosed:
        pass


async def open_facilitators(target: Target, rooms: list[Room]) -> list:
    """One facilitator page socket per room (not counted among the room's sockets)."""
    opened = []
    for room in rooms:
        where = target.facilitator_socket(room)
        if where is None:
            continue
        url, headers = where
        ws = await connect(
            url, additional_headers=headers, open_timeout=60, ping_interval=None, max_size=2**22
        )
        await asyncio.wait_for(ws.recv(), 60)  # the snapshot
        opened.append((ws, asyncio.create_task(_listen_as_facilitator(ws, room))))
    return opened


async def close_all(sockets: list, stats: Stats) -> None:
    async def close(ws, task):
        try:
            await asyncio.wait_for(ws.close(), 5)
        except (TimeoutError, OSError, WebSocketException):
            pass
        task.cancel()

    stats.closing = True
    await asyncio.gather(*(close(ws, task) for ws, task in sockets))


async def change(target: Target, room: Room, stats: Stats, record: bool = True) -> None:
    """One command, and the wait until every socket of the room has its push."""
    expected = room.version + 1
    waiter = room.waiters[expected] = asyncio.Event()
    if len(room.complete[expected]) >= room.size:
        waiter.set()
    path, headers = target.command(room)
    started = time.perf_counter()
    try:
        status = await asyncio.wait_for(
            http_request(target.port, "POST", path, f"version={room.version}", headers), CHANGE_TIMEOUT
        )
    except (OSError, TimeoutError, ValueError, IndexError):
        status = 0
    answered = time.perf_counter()
    stats.statuses[status] += 1
    if status not in (200, 204):
        stats.failed_commands += 1
        del room.waiters[expected]
        return
    try:
        await asyncio.wait_for(waiter.wait(), CHANGE_TIMEOUT)
    except TimeoutError:
        stats.lost += room.size - len(room.complete[expected])
    else:
        if record:
            arrivals = room.arrivals[expected].values()
            stats.latencies_ms.append((max(arrivals) - started) * 1000)
            if expected in room.facilitator_arrivals:
                own, median = room.facilitator_arrivals[expected], statistics.median(arrivals)
                stats.facilitator_ms.append((own - started) * 1000)
                stats.phones_median_ms.append((median - started) * 1000)
                stats.facilitator_behind += own > median
            stats.complete_ms.append((max(room.complete[expected].values()) - started) * 1000)
            stats.post_ms.append((answered - started) * 1000)
    del room.waiters[expected]


async def run_changes(
    target: Target, rooms: list[Room], count: int, stats: Stats, rng: random.Random, concurrency: int = 1
) -> None:
    """`count` changes in random rooms, `concurrency` at a time (never two in one room)."""
    left = [count]

    async def worker():
        while left[0] > 0:
            left[0] -= 1
            room = rng.choice([r for r in rooms if not r.busy])
            room.busy = True
            try:
                await change(target, room, stats)
            finally:
                room.busy = False

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def start_all(target: Target, rooms: list[Room], stats: Stats) -> None:
    """Start every meeting still in the lobby (not part of the latency figures)."""
    gate = asyncio.Semaphore(4)

    async def start(room):
        async with gate:
            await change(target, room, stats, record=False)

    await asyncio.gather(*(start(room) for room in rooms if room.phase == "lobby"))
