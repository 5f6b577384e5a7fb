"""The results as Markdown, and their place in docs/performance.md.

Each mode has its own section between two markers; a run replaces its own
section and leaves the rest of the file (the explanations) alone.
"""

import math
from pathlib import Path

FANOUT_BUDGET = 1.5  # project p99 / floor p99
CLOCK_BUDGET_MS = 250  # p95 of |client remaining - server remaining|
RECONNECT_BUDGET_S = 3.0


def _ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def floor_before(results: list[dict], result: dict) -> dict:
    """The bare floor a project server is held to: the one measured last before it
    (the machine is shared, and its load drifts over minutes)."""
    before = results[: next(n for n, r in enumerate(results) if r is result)]
    return [r for r in before if r.get("bare_floor")][-1]


def markdown(mode_name: str, mode: dict, args, about: dict, results: list[dict]) -> str:
    command = "make bench BENCH_ARGS=--quick" if args.quick else "make bench"
    title = {
        "quick": "Quick run",
        "full": "Full run",
        "scale-out": f"Scale-out run ({'quick' if args.quick else 'full'} size, REDIS_URL and a PostgreSQL "
        "DATABASE_URL set)",
    }[mode_name]
    lines = [
        f"### {title} (`{command}`)",
        "",
        f"- Date: {about['date']}",
        f"- Machine: {about['nproc']} cores ({about['cpu'] or 'unknown CPU'}), Python {about['python']}; "
        f"load average {about['load'][0]:.2f} at the start, {about['load_after'][0]:.2f} at the end "
        "(the machine is shared)",
        f"- Mode: {mode_name}: {mode['meetings']} meetings × 8 sockets, {mode['changes']} phase changes "
        f"in random meetings, {args.concurrency} at a time, seed {args.seed}; "
        f"the whole run took {about['seconds']:.0f} s",
        "",
        "Fan-out latency (ms, from just before the POST until the last of the meeting's sockets "
        "has the new state: phase, name, deadline; the project sends a command's state ahead of the "
        "rendered fragments, and *complete* is until the last socket has those too; the floor's one "
        "frame is both):",
        "",
        "| server | sockets | open all (s) | open p50/p99 (ms) | p50 | p95 | p99 | max "
        "| complete p50/p99 | lost | out of order | failed POSTs | push size (B) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        latency, opened, complete = r["latency"], r["connect"], r["complete"]
        lines.append(
            f"| {r['label']} | {r['sockets']} | {r['connect_seconds']:.1f} "
            f"| {_ms(opened['p50'])}/{_ms(opened['p99'])} | {_ms(latency['p50'])} | {_ms(latency['p95'])} "
            f"| {_ms(latency['p99'])} | {_ms(latency['max'])} "
            f"| {_ms(complete['p50'])}/{_ms(complete['p99'])} | {r['lost']} | {r['out_of_order']} "
            f"| {r['failed_commands']} | {r['push_bytes']} |"
        )
    lines.append("")
    layer_floor = next(
        (r for r in results if r["label"].startswith("floor") and not r.get("bare_floor")), None
    )
    for r in results:
        if r["label"].startswith("floor"):
            continue
        floor = floor_before(results, r)
        ratio = r["latency"]["p99"] / floor["latency"]["p99"]
        median_ratio = r["latency"]["p50"] / floor["latency"]["p50"]
        complete_ratio = r["complete"]["p99"] / floor["latency"]["p99"]
        text = (
            f"- {r['label']}: p99 / {floor['label']} p99 = {ratio:.2f} "
            f"(budget ≤ {FANOUT_BUDGET}): {_verdict(ratio <= FANOUT_BUDGET)}; "
            f"p50 / floor p50 = {median_ratio:.1f}; complete p99 / floor p99 = {complete_ratio:.2f}; "
        )
        if layer_floor:
            alike = r["latency"]["p99"] / layer_floor["latency"]["p99"]
            text += f"p99 / {layer_floor['label']} p99 = {alike:.2f}; "
        lines.append(
            text + f"the POST itself took p50 {_ms(r['post']['p50'])} ms, p99 {_ms(r['post']['p99'])} ms"
        )
    lines += _big_room(results)
    lines += _facilitator_screen(results)
    problems = [
        f"{r['label']}: {r['connect_failures']} sockets failed to open {r['failure_kinds'] or ''}, "
        f"{r['not_snapshot_first']} "
        f"did not get a snapshot first, {r['closed_early']} were closed by the server, "
        f"HTTP statuses {r['statuses']}"
        for r in results
        if r["connect_failures"] or r["not_snapshot_first"] or r["closed_early"] or r["failed_commands"]
    ]
    lines += [f"- Problem: {p}" for p in problems] or ["- Every socket opened and got its snapshot first."]
    lines += [
        f"- Problem: {label} did not exit within 5 s of SIGTERM and was killed "
        "(its threads are in artifacts/bench-server.log)"
        for r in results
        for label in r.get("killed", [])
    ]

    storms = [r for r in results if "storm" in r]
    if storms:
        lines += [
            "",
            "All sockets at once to a freshly started server, as after a restart. Daphne refuses a "
            "handshake that the application has not accepted within 5 s; a refused socket retries "
            f"with live.js's backoff (250 ms doubling, at most 5 s), up to {storms[0]['storm']['attempts']} "
            "attempts. Times run from the first attempt to the snapshot:",
            "",
            "| server | sockets | got in | attempts refused | never got in | all in after (s) "
            "| to snapshot p50 | p95 | max (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in storms:
            storm, opened = r["storm"], r["storm"]["connect"]
            total = storm["sockets"] + storm["failures"]
            lines.append(
                f"| {r['label']} | {total} | {storm['sockets']} | {storm['refused']} | {storm['failures']} "
                f"| {storm['seconds']:.1f} | {_ms(opened['p50'])} | {_ms(opened['p95'])} "
                f"| {_ms(opened['max'])} |"
            )
        failed = [r for r in storms if r["storm"]["refused"]]
        if failed:
            lines.append("")
        lines += [f"- {r['label']}: why attempts failed: {r['storm']['failure_kinds']}" for r in failed]

    clock_result = next((r["clock"] for r in results if "clock" in r), None)
    if clock_result:
        rows = clock_result["rows"]
        skews = clock_result["skews_ms"]
        lines += [
            "",
            f"Timer agreement ({clock_result['clients']} simulated phones on the project under daphne, "
            f"clocks off by {min(skews) / 60000:+.1f} to {max(skews) / 60000:+.1f} min, "
            "100±50 ms each way; |client remaining − server remaining| in ms at one true instant; "
            "RTT is the round trip of the sample each phone kept; reconnect times run from close "
            "to the snapshot (the current deadline again, counted down on the offset the phone kept), "
            "and to the first and the fifth pong of the new socket (a fresh offset)):",
            "",
            "| | error p50 | error p95 | error max | kept RTT p50/max (ms) | snapshot p95/max (s) "
            "| first pong p95/max (s) | five pongs p95/max (s) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows:
            error, rtt = row["error"], row["rtt"]
            times = [row.get("snapshot_s"), row.get("first_pong_s"), row.get("all_pongs_s")]
            cells = ["–" if t is None else f"{t['p95']:.2f}/{t['max']:.2f}" for t in times]
            lines.append(
                f"| {row['label']} | {_ms(error['p50'])} | {_ms(error['p95'])} | {_ms(error['max'])} "
                f"| {_ms(rtt['p50'])}/{_ms(rtt['max'])} | {' | '.join(cells)} |"
            )
        lines.append("")
        for row in rows:
            verdict = _verdict(row["error"]["p95"] <= CLOCK_BUDGET_MS and not row["failed"])
            text = f"- {row['label']}: p95 within {CLOCK_BUDGET_MS} ms: {verdict}"
            if row["refused"] or row["failed"]:
                text += (
                    f" ({row['refused']} connection attempts refused and retried, "
                    f"{row['failed']} phones without an estimate)"
                )
            if "all_pongs_s" in row:
                shown = row["snapshot_s"]["max"] <= RECONNECT_BUDGET_S
                fresh = row["all_pongs_s"]["max"] <= RECONNECT_BUDGET_S
                text += (
                    f"; countdown back (snapshot) within {RECONNECT_BUDGET_S:.0f} s of the reconnect: "
                    f"{_verdict(shown)}; fresh estimate (five pongs) within {RECONNECT_BUDGET_S:.0f} s: "
                    f"{_verdict(fresh)}"
                )
            lines.append(text)
    lines += _weight_and_memory(about, results)
    return "\n".join(lines) + "\n"


def _facilitator_screen(results: list[dict]) -> list[str]:
    """The facilitator's own page against the phones, per change (issue 15: it was the last)."""
    measured = [r for r in results if r.get("facilitator", {}).get("n")]
    if not measured:
        return []
    lines = [
        "",
        "The facilitator's own screen (the one that pressed) against the phones: ms from just before "
        "the POST until its page has the new state, next to the median phone of the same change:",
        "",
        "| server | changes | facilitator p50 | facilitator p95 | phones' median p50 | phones' median p95 "
        "| facilitator behind the phones' median in |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in measured:
        own, phones = r["facilitator"], r["phones_median"]
        lines.append(
            f"| {r['label']} | {own['n']} | {_ms(own['p50'])} | {_ms(own['p95'])} | {_ms(phones['p50'])} "
            f"| {_ms(phones['p95'])} | {r['facilitator_behind']} of {own['n']} changes |"
        )
    return lines


def _big_room(results: list[dict]) -> list[str]:
    """One meeting with many sockets (the issue's 200), when the run measured it."""
    big = [(r["label"], r["big"]) for r in results if "big" in r]
    if not big:
        return []
    floors = {
        r["label"]: floor_before(results, r)["big"] for r in results if "big" in r and not r.get("bare_floor")
    }
    lines = [
        "",
        f"One meeting with {big[0][1]['sockets']} sockets (its 8 members on many devices each), "
        "phase changes one at a time (ms, as above):",
        "",
        "| server | p50 | p95 | p99 | max | complete p50/p99 | lost | out of order | failed POSTs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in big:
        latency, complete = r["latency"], r["complete"]
        lines.append(
            f"| {label} | {_ms(latency['p50'])} | {_ms(latency['p95'])} | {_ms(latency['p99'])} "
            f"| {_ms(latency['max'])} | {_ms(complete['p50'])}/{_ms(complete['p99'])} | {r['lost']} "
            f"| {r['out_of_order']} | {r['failed_commands']} |"
        )
    lines.append("")
    for label, r in big:
        if label not in floors:
            continue
        floor = floors[label]["latency"]["p99"]
        ratio, complete_ratio = r["latency"]["p99"] / floor, r["complete"]["p99"] / floor
        lines.append(
            f"- {label}: p99 / the floor's p99 before it = {ratio:.2f} (budget ≤ {FANOUT_BUDGET}): "
            f"{_verdict(ratio <= FANOUT_BUDGET)}; complete p99 / floor p99 = {complete_ratio:.2f}"
        )
    return lines


def _weight_and_memory(about: dict, results: list[dict]) -> list[str]:
    weight = about.get("page_weight")
    if not weight:
        return []
    lines = ["", "Page weight of the participant's page on first load (gzip, KB):", ""]
    lines.append("| " + " | ".join(weight) + " |")
    lines.append("|" + "---:|" * len(weight))
    lines.append("| " + " | ".join(f"{size / 1024:.1f}" for size in weight.values()) + " |")
    total = weight.get("total", 0) / 1024
    lines += ["", f"- total {total:.1f} KB (budget ≤ 100 KB): {_verdict(total <= 100)}", ""]
    for r in results:
        if "memory" in r:
            memory = r["memory"]
            lines.append(
                f"- Memory of {r['label']}: {memory['rss_mb']:.0f} MB before the sockets opened, "
                f"+{memory['per_1000_sockets_mb']:.1f} MB per 1,000 idle sockets"
            )
    return lines


def write(path: Path, mode_name: str, section: str) -> None:
    """Replace this mode's section in `path`, or append it."""
    start, end = f"<!-- bench:{mode_name} -->", f"<!-- /bench:{mode_name} -->"
    text = path.read_text() if path.exists() else "# Performance\n"
    block = f"{start}\n{section}{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
