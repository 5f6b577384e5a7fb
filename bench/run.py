"""Benchmarks of the live meeting (not tests): fan-out latency, restarts, timer agreement.

    make bench                      # full: 250 meetings x 8 sockets, 1000 phase changes
    make bench BENCH_ARGS=--quick   # quick: 20 meetings x 8 sockets, 100 phase changes

One run: a fresh SQLite database with test data; the bare Channels floor app
(bench/floor_app.py) under daphne; the project under daphne; and the project
under `manage.py runserver --noreload`. Each gets the same rooms, sockets and
fan-out measurement; the daphne servers are then restarted and every socket
opens at once; the timer agreement runs on the project under daphne. Results
are printed and written to docs/performance.md (see there for the details).
"""

import argparse
import asyncio
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import clock  # noqa: E402 -- bench/ modules, next to this script
import data  # noqa: E402
import fanout  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402
import weight  # noqa: E402

MODES = {
    "quick": {"meetings": 20, "changes": 100, "clock_meetings": 20, "big_changes": 30},
    "full": {"meetings": 250, "changes": 1000, "clock_meetings": 25, "big_changes": 200},
}
BIG_ROOM = 200  # sockets in the one large meeting (members on several devices each)
CALM_RECONNECTS = 16  # phones that reconnect a few at a time, after the storm
CALM_BATCH = 4
STORM_ATTEMPTS = 40  # per socket, with live.js's backoff in between (live.js itself never gives up)
SETTLE_S = 1.0  # after opening the sockets and starting the meetings, before measuring
PROJECT_LAYER = "intervisie.layers.SweepingInMemoryChannelLayer"
LAYER_FLOOR = "floor (daphne, the project's layer)"


STARTED = time.perf_counter()


def say(text: str) -> None:
    """Progress, with the seconds since the start."""
    print(f"[{time.perf_counter() - STARTED:5.1f} s] {text}", flush=True)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else math.nan,
    }


def _pass_result(target, stats: fanout.Stats, sockets: list) -> dict:
    return {
        "label": target.label,
        "sockets": len(sockets),
        "connect_seconds": stats.connect_seconds,
        "connect": summary(stats.connect_ms),
        "connect_failures": stats.connect_failures,
        "failure_kinds": dict(stats.failure_kinds),
        "not_snapshot_first": stats.not_snapshot_first,
        "latency": summary(stats.latencies_ms),
        "complete": summary(stats.complete_ms),
        "post": summary(stats.post_ms),
        "lost": stats.lost,
        "out_of_order": stats.out_of_order,
        "failed_commands": stats.failed_commands,
        "statuses": dict(stats.statuses),
        "closed_early": stats.closed_early,
        "push_bytes": int(statistics.median(stats.push_bytes)) if stats.push_bytes else 0,
        "facilitator": summary(stats.facilitator_ms),
        "phones_median": summary(stats.phones_median_ms),
        "facilitator_behind": stats.facilitator_behind,
    }


async def fanout_pass(target, rooms, changes: int, rng, concurrency: int, after=None, pid=None) -> dict:
    """Open the sockets, start the meetings, make the changes; `after` may use the open server.

    With the server's `pid`, its memory is read before the sockets open and once they idle.
    """
    stats = fanout.Stats()
    await fanout.wait_idle(target, rooms[0])  # the disconnects of an earlier pass are done
    rss_before = weight.rss_kb(pid) if pid else None
    sockets = await fanout.open_all(target, rooms, stats)
    facilitators = await fanout.open_facilitators(target, rooms)
    say(f"{len(sockets)} sockets open in {stats.connect_seconds:.1f} s")
    memory = {}
    if pid:
        await asyncio.sleep(SETTLE_S)
        grown = weight.rss_kb(pid) - rss_before
        memory = {
            "rss_mb": rss_before / 1024,
            "per_1000_sockets_mb": grown / 1024 * 1000 / max(len(sockets), 1),
        }
    try:
        await fanout.start_all(target, rooms, fanout.Stats())
        await settle(target, rooms[0])
        say("measuring ...")
        started = time.perf_counter()
        await fanout.run_changes(target, rooms, changes, stats, rng, concurrency)
        say(f"{changes} changes in {time.perf_counter() - started:.1f} s")
        extra = await after() if after else {}
    finally:
        await fanout.close_all(sockets + facilitators, stats)
        say("closed")
    return {**_pass_result(target, stats, sockets), **extra, **({"memory": memory} if memory else {})}


async def settle(target, room) -> None:
    """Let the server finish the side work of earlier connects and disconnects."""
    waited = await fanout.wait_idle(target, room)
    await asyncio.sleep(SETTLE_S)
    say(f"server idle after {waited + SETTLE_S:.1f} s")


async def storm_pass(target, rooms) -> dict:
    """Every socket at once to a server just started, each retrying like live.js until it is in."""
    say("storm ...")
    stats = fanout.Stats()
    sockets = await fanout.open_all(
        target,
        rooms,
        stats,
        at_once=len(rooms) * data.MEMBERS_PER_MEETING,
        attempts=STORM_ATTEMPTS,
        rng=random.Random(2),
    )
    say(
        f"storm: {len(sockets)} sockets open in {stats.connect_seconds:.1f} s, "
        f"{stats.refused} attempts refused"
    )
    await fanout.close_all(sockets, stats)
    say("closed")
    return {
        "sockets": len(sockets),
        "failures": stats.connect_failures,
        "refused": stats.refused,
        "failure_kinds": dict(stats.failure_kinds),
        "seconds": stats.connect_seconds,
        "connect": summary(stats.connect_ms),
        "attempts": STORM_ATTEMPTS,
    }


async def clock_pass(target, meetings: list[data.MeetingData], rng) -> dict:
    """Timer agreement of skewed, slow clients; then again after each reconnects."""
    clients = [
        clock.SkewedClient(
            target.socket_url(fanout.Room(m.pk, 0)),
            {"Origin": target.origin, "Cookie": f"sessionid={session}"},
            random.Random(rng.random()),
            m.pk,
        )
        for m in meetings
        for session in m.member_sessions
    ]
    gate = asyncio.Semaphore(fanout.CONNECT_CONCURRENCY)

    async def open_and_estimate(client):
        async with gate:
            await client.open()
        await client.estimate()

    def row(label, group, errors, times=None):
        result = {
            "label": label,
            "error": summary(errors),
            "rtt": summary([c.best_rtt_ms for c in group if c.samples]),
            "failed": len(group) - len(errors),
            "refused": sum(c.refused for c in group),
        }
        if times is not None:
            done = [t for t in times if t]
            result["snapshot_s"] = summary([t[0] for t in done])
            result["first_pong_s"] = summary([t[1] for t in done])
            result["all_pongs_s"] = summary([t[2] for t in done])
        return result

    rows = []
    try:
        await asyncio.gather(*(open_and_estimate(c) for c in clients), return_exceptions=True)
        deadlines = await asyncio.to_thread(data.deadlines)
        rows.append(row("first estimate", clients, clock.disagreement(clients, deadlines)))
        say("reconnecting all at once ...")
        # Everyone at once, as after a server restart or a Wi-Fi blip ...
        for c in clients:
            c.refused = 0
        times = await asyncio.gather(*(clock.reconnect(c) for c in clients))
        label = f"after all {len(clients)} reconnect at once"
        rows.append(row(label, clients, clock.disagreement(clients, deadlines), times))
        # ... and a few phones at a time, as when single phones wake up.
        say("reconnecting a few at a time ...")
        calm = clients[:: max(1, len(clients) // CALM_RECONNECTS)][:CALM_RECONNECTS]
        for c in calm:
            c.refused = 0
        times = []
        for n in range(0, len(calm), CALM_BATCH):
            times += await asyncio.gather(*(clock.reconnect(c) for c in calm[n : n + CALM_BATCH]))
        label = f"after {len(calm)} reconnect, {CALM_BATCH} at a time"
        rows.append(row(label, calm, clock.disagreement(calm, deadlines), times))
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        say("timer clients closed")
    return {"clients": len(clients), "skews_ms": [c.skew_ms for c in clients], "rows": rows}


def floor_rooms(meetings) -> list[fanout.Room]:
    """The floor's rooms: as many as the project's meetings, as many sockets each."""
    return [fanout.Room(n, data.MEMBERS_PER_MEETING) for n in range(len(meetings))]


async def measure(args, mode: dict, meetings, phases, database_url: str, log: Path) -> list[dict]:
    rng = random.Random(args.seed)
    results = []

    def rooms():
        return [
            fanout.Room(m.pk, data.MEMBERS_PER_MEETING, m.member_sessions, m.facilitator_session)
            for m in meetings
        ]

    def big_meeting():
        last = meetings[-1]
        return [fanout.Room(last.pk, BIG_ROOM, last.member_sessions, last.facilitator_session)]

    async def bare_floor(label: str) -> dict:
        """The floor of the budget, fan-out and one big room; measured again before each project server."""
        say(f"{label} ...")
        with servers.floor_daphne(log, label=label) as server:
            target = fanout.FloorTarget(label, server.port)
            result = await fanout_pass(target, floor_rooms(meetings), mode["changes"], rng, args.concurrency)
            say(f"{label}, one room of {BIG_ROOM} ...")
            big_room = [fanout.Room(len(meetings), BIG_ROOM)]
            result["big"] = await fanout_pass(target, big_room, mode["big_changes"], rng, 1)
        return {**result, "bare_floor": True, "killed": [server.label] if server.killed else []}

    # Channels' in-memory layer sweeps every channel and group on each receive and group_send;
    # the project's own layer does not (intervisie/layers.py). The floor on that layer too,
    # to show what is left of the project's own work once the layers are alike.
    say(f"{LAYER_FLOOR} ...")
    with servers.floor_daphne(log, label=LAYER_FLOOR, layer=PROJECT_LAYER) as server:
        target = fanout.FloorTarget(LAYER_FLOOR, server.port)
        results.append(
            await fanout_pass(target, floor_rooms(meetings), mode["changes"], rng, args.concurrency)
        )
    results[-1]["killed"] = [server.label] if server.killed else []

    results.append(await bare_floor("floor (daphne)"))
    say("floor (daphne), restarted ...")
    with servers.floor_daphne(log) as server:
        target = fanout.FloorTarget("floor (daphne)", server.port)
        results[-1]["storm"] = await storm_pass(target, floor_rooms(meetings))
    results[-1]["killed"] += [f"{server.label}, restarted"] if server.killed else []

    say("project (daphne) ...")
    with servers.project_daphne(database_url, log) as server:
        target = fanout.ProjectTarget("project (daphne)", server.port, phases)

        async def timer():
            say("timer agreement ...")
            return {"clock": await clock_pass(target, meetings[: mode["clock_meetings"]], rng)}

        results.append(
            await fanout_pass(
                target, rooms(), mode["changes"], rng, args.concurrency, timer, pid=server.process.pid
            )
        )
        say(f"project (daphne), one meeting of {BIG_ROOM} sockets ...")
        results[-1]["big"] = await fanout_pass(target, big_meeting(), mode["big_changes"], rng, 1)
    results[-1]["killed"] = [server.label] if server.killed else []
    say("project (daphne), restarted ...")
    with servers.project_daphne(database_url, log) as server:
        target = fanout.ProjectTarget("project (daphne)", server.port, phases)
        results[-1]["storm"] = await storm_pass(target, rooms())
    results[-1]["killed"] += [f"{server.label}, restarted"] if server.killed else []

    if not args.no_runserver:
        # The machine is shared and its load drifts over minutes: runserver is compared with
        # a floor measured just before it, like daphne.
        results.append(await bare_floor("floor (daphne), again"))
        say("project (runserver) ...")
        with servers.project_runserver(database_url, log) as server:
            target = fanout.ProjectTarget("project (runserver)", server.port, phases)
            results.append(await fanout_pass(target, rooms(), mode["changes"], rng, args.concurrency))
            say(f"project (runserver), one meeting of {BIG_ROOM} sockets ...")
            results[-1]["big"] = await fanout_pass(target, big_meeting(), mode["big_changes"], rng, 1)
        results[-1]["killed"] = [server.label] if server.killed else []
    return results


async def measure_scale_out(args, mode: dict, meetings, phases, database_url: str, redis_url: str, log: Path):
    """Two daphne processes on Redis (and PostgreSQL), every other socket on the second one;
    the commands go to the first. The floor the same way, on Redis too."""
    rng = random.Random(args.seed)
    results = []
    say("scale-out: floor, two processes on Redis ...")
    with servers.floor_daphne(log, redis_url, "floor (2 daphne, Redis)") as first:
        with servers.floor_daphne(log, redis_url, "floor (2 daphne, Redis), second") as second:
            target = fanout.FloorTarget(first.label, first.port, (first.port, second.port))
            results.append(
                await fanout_pass(target, floor_rooms(meetings), mode["changes"], rng, args.concurrency)
            )
    results[-1]["bare_floor"] = True
    say("scale-out: project, two processes on Redis and PostgreSQL ...")
    with servers.project_daphne(database_url, log, redis_url, "project (2 daphne, Redis)") as first:
        with servers.project_daphne(
            database_url, log, redis_url, "project (2 daphne, Redis), second"
        ) as second:
            target = fanout.ProjectTarget(first.label, first.port, phases, (first.port, second.port))
            rooms = [
                fanout.Room(m.pk, data.MEMBERS_PER_MEETING, m.member_sessions, m.facilitator_session)
                for m in meetings
            ]
            results.append(await fanout_pass(target, rooms, mode["changes"], rng, args.concurrency))
    return results


def postgres_database(url: str, name: str = "intervisie_bench") -> str:
    """A fresh database `name` on the server of `url`; its URL."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def machine() -> dict:
    date = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "date": date,
        "nproc": nproc,
        "cpu": cpu,
        "python": platform.python_version(),
        "load": os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="20 meetings and 100 changes instead of 250/1000"
    )
    parser.add_argument("--no-runserver", action="store_true", help="skip the runserver pass")
    parser.add_argument("--concurrency", type=int, default=1, help="changes in flight at once (default 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument(
        "--scale-out",
        action="store_true",
        help="two daphne processes on REDIS_URL and a fresh database on DATABASE_URL's PostgreSQL server",
    )
    args = parser.parse_args()
    mode = MODES["quick" if args.quick else "full"]
    mode_name = "scale-out" if args.scale_out else "quick" if args.quick else "full"

    workdir = Path(tempfile.mkdtemp(prefix="intervisie-bench-"))
    database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL", "")
    if args.scale_out:
        if not redis_url or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            parser.error("--scale-out needs REDIS_URL and a postgres:// DATABASE_URL")
        database_url = postgres_database(os.environ["DATABASE_URL"])
    log = ROOT / "artifacts" / "bench-server.log"
    log.parent.mkdir(exist_ok=True)
    log.write_text("")
    about = machine()
    started = time.perf_counter()
    try:
        say(f"{mode_name}: creating {mode['meetings']} meetings in {database_url} ...")
        data.setup_django(database_url)
        meetings, phases = data.create(mode["meetings"])
        if args.scale_out:
            results = asyncio.run(
                measure_scale_out(args, mode, meetings, phases, database_url, redis_url, log)
            )
        else:
            about["page_weight"] = weight.participant_page(meetings[0].pk, meetings[0].member_sessions[0])
            results = asyncio.run(measure(args, mode, meetings, phases, database_url, log))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    about["seconds"] = time.perf_counter() - started
    about["load_after"] = os.getloadavg()
    text = report.markdown(mode_name, mode, args, about, results)
    print()
    print(text)
    if not args.no_docs:
        report.write(ROOT / "docs" / "performance.md", mode_name, text)
        print(f"written to docs/performance.md ({mode_name} section); server log: {log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
