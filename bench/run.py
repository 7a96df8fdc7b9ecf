"""Benchmark harness: Cirkelbord and its peers, side by side, on this machine.

    python -m bench.run            # full run (about 3 minutes)
    python -m bench.run --quick    # shorter windows, fewer capacity steps
    python -m bench.run --smoke    # everything tiny: checks the harness works, no timing asserts

Each server runs as its own process pinned to the first CPU; the load generator
(one receiving and one sending process, real WebSocket clients over loopback) is
pinned to the second. Every run is bounded in time and stops by itself. A
machine-readable copy of the results goes to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.scenarios import PROFILES, Profile, Runner, TargetResult, Window
from bench.servers import (
    HOST,
    LoadWorker,
    Server,
    ServerError,
    busy_cpu_seconds,
    free_port,
    launch_server,
    usable_cpus,
    wait_ready,
)
from bench.stats import fmt_count, fmt_ms
from bench.targets import TARGET_KEYS, get_target
from bench.targets.base import ServerSpec

RESULTS_DIR = Path(__file__).resolve().parent / "results"

# Goals for Cirkelbord, printed beside the figures.
GOAL_P99_50 = 3.0
GOAL_P99_200 = 8.0
GOAL_CPU_US = 12.0
GOAL_VS_SOCKETIO = 4.0
GOAL_VS_NODE = 2.0
GOAL_RSS_1000_MB = 100.0
GOAL_JOIN_ALONE_MS = 2.0
GOAL_JOIN_CROWD_MS = 50.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- running ---------------------------------------------------------------------------------
Launched = tuple[Server, ServerSpec]


def launch(key: str, cpu: int | None, workdir: Path) -> Launched:
    target = get_target(key)
    port = free_port()
    tdir = workdir / key
    tdir.mkdir(parents=True, exist_ok=True)
    spec = target.server_spec(HOST, port, tdir)
    return launch_server(key, spec, port, cpu, tdir), spec


def run_target(
    key: str,
    profile: Profile,
    receiver: LoadWorker,
    sender: LoadWorker,
    server_cpu: int | None,
    lg_cpu: int | None,
    workdir: Path,
    launched: Launched | None = None,
) -> TargetResult:
    target = get_target(key)
    result = TargetResult(key, target.label)
    reason = target.unavailable_reason()
    if reason is not None:
        result.status, result.reason = "not runnable", reason
        log(f"{key}: not runnable ({reason})")
        return result
    started = time.perf_counter()
    try:
        if launched is None:
            launched = launch(key, server_cpu, workdir)
        server, spec = launched
        log(f"{key}: waiting for the server on port {server.port}")
        try:
            wait_ready(server, spec)
        except BaseException:
            server.stop()
            raise
    except (ServerError, OSError) as exc:
        result.status, result.reason = "not runnable", f"server did not start: {exc}"
        log(f"{key}: not runnable ({result.reason})")
        return result
    try:
        runner = Runner(target, server, receiver, sender, profile, log, (server_cpu, lg_cpu))
        steps: list[tuple[str, Callable[[], None]]] = [
            ("idle memory", lambda: setattr(result, "memory", runner.memory())),
        ]
        for size in profile.fanout_sizes:
            steps.append((f"fan-out {size}", _fanout_step(runner, result, size)))
        if target.has_snapshot:
            steps.append(("join", lambda: setattr(result, "join", runner.join())))
        steps.append(("capacity", lambda: setattr(result, "capacity", runner.capacity())))
        for name, step in steps:
            log(f"  {key}: {name}")
            try:
                step()
            except Exception as exc:
                message = f"{name}: {type(exc).__name__}: {exc}"
                result.errors.append(message)
                result.status = "error"
                log(f"  {key}: FAILED {message}")
                if os.environ.get("BENCH_TRACEBACK"):
                    traceback.print_exc()
                if not server.alive():
                    result.errors.append(f"server exited: {server.log_tail(8)}")
                    break
                _reset_workers(receiver, sender)
    finally:
        server.stop()
    result.seconds = time.perf_counter() - started
    return result


def _fanout_step(runner: Runner, result: TargetResult, size: int) -> Callable[[], None]:
    def step() -> None:
        result.fanout[size] = runner.fanout(size)

    return step


def _reset_workers(*workers: LoadWorker) -> None:
    for worker in workers:
        with contextlib.suppress(Exception):
            if worker.pending is not None:
                worker.result(timeout=30.0)
        with contextlib.suppress(Exception):
            worker.call("collect", quiet=0.0, max_wait=0.0)
        with contextlib.suppress(Exception):
            worker.call("disconnect", timeout=30.0)


# -- reporting -------------------------------------------------------------------------------
def _flag(w: Window | None) -> str:
    if w is None:
        return ""
    marks = ""
    if w.lg_bound:
        marks += "*"
    if w.lost or w.dropped:
        marks += "!"
    if w.sender_behind:
        marks += "~"
    if w.noisy:
        marks += "?"
    return marks


def _verdict(value: float, ok: bool) -> str:
    if math.isnan(value):
        return "-"
    return "ok" if ok else "MISS"


@dataclasses.dataclass
class Row:
    metric: str
    goal: str
    cells: dict[str, str]
    verdict: str = ""


def build_rows(results: list[TargetResult], profile: Profile) -> list[Row]:
    by_key = {r.key: r for r in results}
    rows: list[Row] = []

    def cell(r: TargetResult, text: str) -> str:
        if r.status == "not runnable":
            return "n/r"
        return text

    def cirk() -> TargetResult | None:
        r = by_key.get("cirkelbord")
        return r if r is not None and r.status != "not runnable" else None

    for size in profile.fanout_sizes:
        goal_p99 = {50: GOAL_P99_50, 200: GOAL_P99_200}.get(size)
        cells = {}
        for r in results:
            w = r.fanout.get(size)
            text = "err" if w is None else f"{fmt_ms(w.p50_ms)} / {fmt_ms(w.p99_ms)}{_flag(w)}"
            cells[r.key] = cell(r, text)
        verdict = ""
        c = cirk()
        if goal_p99 is not None and c is not None and size in c.fanout:
            verdict = _verdict(c.fanout[size].p99_ms, c.fanout[size].p99_ms <= goal_p99)
        goal = f"p99 <= {goal_p99:g}" if goal_p99 is not None else ""
        rows.append(Row(f"fan-out {size} clients: p50 / p99 ms", goal, cells, verdict))

    cells = {}
    for r in results:
        w = r.fanout.get(max(profile.fanout_sizes)) if r.fanout else None
        cells[r.key] = cell(r, "err" if w is None else f"{fmt_ms(w.last_p99_ms)}{_flag(w)}")
    rows.append(Row(f"  last of {max(profile.fanout_sizes)} has it, p99 ms", "", cells))

    limit = profile.cap_p99_limit_ms
    cap_clients: dict[str, str] = {}
    cap_rate: dict[str, str] = {}
    cpu_cells: dict[str, str] = {}
    cpu_values: dict[str, float] = {}
    for r in results:
        best = r.capacity.best(limit) if r.capacity else None
        sat = r.capacity.saturation() if r.capacity else None
        if r.capacity is None:
            cap_clients[r.key] = cell(r, "err")
            cap_rate[r.key] = cell(r, "err")
        elif best is None:
            cap_clients[r.key] = cell(r, "none")
            cap_rate[r.key] = cell(r, "none")
        else:
            more = "" if r.capacity.stop_reason != "largest step passed" else "+"
            cap_clients[r.key] = f"{best.clients}{more}{_flag(best)}"
            cap_rate[r.key] = f"{fmt_count(best.delivered_per_s)}{more}{_flag(best)}"
        if sat is None or math.isnan(sat.cpu_us_per_msg):
            cpu_cells[r.key] = cell(r, "err")
        elif sat.cpu_us_per_msg <= 0:
            cpu_cells[r.key] = "~0"
        else:
            cpu_values[r.key] = sat.cpu_us_per_msg
            cpu_cells[r.key] = f"{sat.cpu_us_per_msg:.1f} @{sat.server_cpu:.0%}{_flag(sat)}"
    peak: dict[str, str] = {}
    for r in results:
        sat = r.capacity.saturation() if r.capacity else None
        peak[r.key] = cell(
            r, "err" if sat is None else f"{fmt_count(sat.delivered_per_s)}{_flag(sat)}"
        )
    rows.append(Row(f"capacity: clients, p99 < {limit:g} ms", "", cap_clients))
    rows.append(Row(f"capacity: delivered msg/s, p99 < {limit:g} ms", "", cap_rate))
    rows.append(Row("delivered msg/s at overload", "", peak))
    c = cirk()
    verdict = ""
    if c is not None and "cirkelbord" in cpu_values:
        verdict = _verdict(cpu_values["cirkelbord"], cpu_values["cirkelbord"] <= GOAL_CPU_US)
    rows.append(
        Row("server CPU us / delivered msg @load", f"<= {GOAL_CPU_US:g}", cpu_cells, verdict)
    )
    if "cirkelbord" in cpu_values:
        base = cpu_values["cirkelbord"]
        ratio_cells = {}
        for r in results:
            v = cpu_values.get(r.key)
            ratio_cells[r.key] = "-" if v is None else f"{v / base:.2f}x"
        verdicts = []
        if "socketio" in cpu_values:
            verdicts.append(_verdict(base, cpu_values["socketio"] / base >= GOAL_VS_SOCKETIO))
        if "node-ws" in cpu_values:
            verdicts.append(_verdict(base, base / cpu_values["node-ws"] <= GOAL_VS_NODE))
        rows.append(
            Row(
                "  CPU per msg relative to Cirkelbord",
                f"sio >= {GOAL_VS_SOCKETIO:g}x, node >= {1 / GOAL_VS_NODE:g}x",
                ratio_cells,
                "/".join(verdicts),
            )
        )

    per_conn: dict[str, str] = {}
    total: dict[str, str] = {}
    for r in results:
        m = r.memory
        per_conn[r.key] = cell(r, "err" if m is None else f"{m.per_connection_bytes / 1024:.1f}")
        total[r.key] = cell(r, "err" if m is None else f"{m.loaded_bytes / 2**20:.0f}")
    n_idle = next((r.memory.connections for r in results if r.memory), profile.idle_connections)
    rows.append(Row("RSS per idle connection, KiB", "", per_conn))
    c = cirk()
    verdict = ""
    if c is not None and c.memory is not None:
        mb = c.memory.loaded_bytes / 2**20
        verdict = _verdict(mb, mb <= GOAL_RSS_1000_MB) if n_idle >= 1000 else "-"
    rows.append(
        Row(f"RSS with {n_idle} idle connections, MiB", f"<= {GOAL_RSS_1000_MB:g}", total, verdict)
    )

    alone: dict[str, str] = {}
    crowd: dict[str, str] = {}
    size_cells: dict[str, str] = {}
    for r in results:
        j = r.join
        has = get_target(r.key).has_snapshot
        if not has:
            alone[r.key] = crowd[r.key] = size_cells[r.key] = "n/a"
            continue
        alone[r.key] = cell(r, "err" if j is None else fmt_ms(j.alone_p50_ms))
        crowd[r.key] = cell(
            r, "err" if j is None else f"{fmt_ms(j.crowd_p50_ms)} / {fmt_ms(j.crowd_max_ms)}"
        )
        size_cells[r.key] = cell(
            r, "err" if j is None else f"{j.snapshot_bytes / 1024:.0f} KiB, {j.notes} notes"
        )
    c = cirk()
    joined = c.join if c is not None else None
    notes = profile.join_notes
    rows.append(
        Row(
            f"join {notes}-note board alone, ms (p50)",
            f"<= {GOAL_JOIN_ALONE_MS:g}",
            alone,
            ""
            if joined is None
            else _verdict(joined.alone_p50_ms, joined.alone_p50_ms <= GOAL_JOIN_ALONE_MS),
        )
    )
    rows.append(
        Row(
            f"join, {profile.join_crowd} at once: p50 / all, ms",
            f"all <= {GOAL_JOIN_CROWD_MS:g}",
            crowd,
            ""
            if joined is None
            else _verdict(joined.crowd_max_ms, joined.crowd_max_ms <= GOAL_JOIN_CROWD_MS),
        )
    )
    rows.append(Row("  snapshot size", "", size_cells))
    return rows


def render_table(results: list[TargetResult], profile: Profile) -> str:
    rows = build_rows(results, profile)
    keys = [r.key for r in results]
    headers = ["metric", "goal (Cirkelbord)", "verdict"] + [r.label for r in results]
    table = [
        [row.metric, row.goal, row.verdict] + [row.cells.get(k, "") for k in keys] for row in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *table, strict=True)]

    def line(values: list[str]) -> str:
        first = [values[0].ljust(widths[0])]
        rest = [v.rjust(w) for v, w in zip(values[1:], widths[1:], strict=True)]
        return "  ".join(first + rest).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in table]
    return "\n".join(out)


def render_notes(
    results: list[TargetResult], profile: Profile, cpus: tuple[int | None, ...]
) -> str:
    server_cpu, lg_cpu = cpus
    out = [
        "",
        f"profile {profile.name}; server on CPU {server_cpu}, load generator on CPU {lg_cpu}; "
        f"fan-out: {profile.fanout_rate:g} notes/s into one room for {profile.window:g} s; "
        f"capacity: rooms of {profile.cap_room_size} at {profile.cap_room_rate:g} notes/s each.",
        "  *  the load generator was the limit in that window (it used >= 90% of its core, or its "
        "core was >= 95% busy): the figure is a bound set by the load generator, not the server",
        "  !  notes lost or connections dropped in that window (counted as infinitely late)",
        "  ~  the sender fell behind the offered rate",
        "  ?  the server or the load generator waited for a CPU >= 5% of that window (other work "
        "on the machine: latency tails are not the server's alone)",
        "  +  the largest capacity step still passed; the server can take more",
        "  n/r not runnable here (see below); n/a the server keeps no room state",
    ]
    for r in results:
        if r.status == "not runnable":
            out.append(f"{r.key}: not runnable ({r.reason})")
        for e in r.errors:
            out.append(f"{r.key}: error in {e}")
        if r.capacity is not None and r.capacity.steps:
            steps = ", ".join(
                f"{w.clients}: {fmt_count(w.delivered_per_s)}/s p99 {fmt_ms(w.p99_ms)}"
                f" srv {w.server_cpu:.0%} lg {w.lg_cpu:.0%}"
                f" waits {w.server_wait:.0%}/{w.lg_wait:.0%}"
                f"{' (2 tries)' if w.attempts > 1 else ''}{_flag(w)}"
                for w in r.capacity.steps
            )
            out.append(f"{r.key} capacity steps ({r.capacity.stop_reason}): {steps}")
            o = r.capacity.overload
            if o is not None:
                out.append(
                    f"{r.key} overload window: offered "
                    f"{fmt_count(o.offered_rate * o.receivers)}/s into {o.clients} clients, "
                    f"delivered {fmt_count(o.delivered_per_s)}/s, "
                    f"srv {o.server_cpu:.0%} lg {o.lg_cpu:.0%} "
                    f"waits {o.server_wait:.0%}/{o.lg_wait:.0%}{_flag(o)}"
                )
    return "\n".join(out)


def to_json(results: list[TargetResult], profile: Profile) -> dict[str, Any]:
    def conv(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            out = {f.name: conv(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
            for name in ("lost", "lg_bound", "sender_behind", "noisy", "per_connection_bytes"):
                if hasattr(obj, name):
                    out[name] = conv(getattr(obj, name))
            return out
        if isinstance(obj, dict):
            return {str(k): conv(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [conv(v) for v in obj]
        if isinstance(obj, float) and not math.isfinite(obj):
            return None
        return obj

    return {
        "profile": conv(profile),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "results": conv(results),
    }


# -- main ------------------------------------------------------------------------------------
@contextlib.contextmanager
def workers(lg_cpu: int | None) -> Iterator[tuple[LoadWorker, LoadWorker]]:
    receiver = LoadWorker("receiver", lg_cpu)
    sender = LoadWorker("sender", lg_cpu)
    try:
        yield receiver, sender
    finally:
        receiver.close()
        sender.close()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--smoke", action="store_true", help="tiny run that checks the harness")
    mode.add_argument("--quick", action="store_true", help="shorter run")
    parser.add_argument(
        "--targets",
        default=",".join(TARGET_KEYS),
        help=f"comma-separated subset of {','.join(TARGET_KEYS)}",
    )
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    parser.add_argument(
        "--nice",
        type=int,
        default=None,
        help="scheduling priority for the servers and the load generator (e.g. -5 as root), "
        "to keep other work on a shared machine from disturbing the figures",
    )
    parser.add_argument("--in-session", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--require-all",
        action="store_true",
        help="fail when a target is not runnable (default: only report it)",
    )
    return parser.parse_args(argv)


def _rerun_in_own_session(argv: list[str] | None) -> int:
    """Run again as the leader of a new session, so a priority given to it ends with it."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = [sys.executable, "-m", "bench.run", *args, "--in-session"]
    proc = subprocess.Popen(command, start_new_session=True)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    profile = PROFILES["smoke" if args.smoke else "quick" if args.quick else "full"]
    keys = [k.strip() for k in args.targets.split(",") if k.strip()]
    for key in keys:
        get_target(key)  # fails early on an unknown name
    if args.nice is not None and not args.in_session:
        return _rerun_in_own_session(argv)
    server_cpu, lg_cpu = usable_cpus()
    if args.nice is not None:
        # Inherited by every server and load-generator process started from here. With
        # autogroup scheduling a nice value only ranks processes within their session, so the
        # session (this run alone, see _rerun_in_own_session) gets the same value.
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(args.nice))
    bench_cpus = {c for c in (server_cpu, lg_cpu) if c is not None}
    before, t_before = busy_cpu_seconds(bench_cpus), time.perf_counter()
    time.sleep(0.1 if args.smoke else 0.5)
    idle_load = (busy_cpu_seconds(bench_cpus) - before) / (time.perf_counter() - t_before)
    if lg_cpu is not None:
        os.sched_setaffinity(0, {lg_cpu})
    started = time.perf_counter()
    results: list[TargetResult] = []
    with tempfile.TemporaryDirectory(prefix="cirkelbord-bench-") as tmp:
        workdir = Path(tmp)
        launched: dict[str, Launched] = {}
        runnable = [k for k in keys if get_target(k).unavailable_reason() is None]
        slow = [k for k in runnable if k == "cirkelbord"]
        if args.smoke:
            # Timing does not matter here: start the servers early, on any CPU; the slow
            # starter once one of the others serves, so they do not all compete at once.
            for key in runnable:
                if key not in slow:
                    with contextlib.suppress(OSError):
                        launched[key] = launch(key, None, workdir)
        with workers(lg_cpu) as (receiver, sender):
            if args.smoke:
                if launched:
                    server, spec = next(iter(launched.values()))
                    with contextlib.suppress(ServerError):
                        wait_ready(server, spec)
                for key in slow:
                    with contextlib.suppress(OSError):
                        launched[key] = launch(key, None, workdir)
            # In a smoke run the slowest server to start goes last, so it starts meanwhile.
            order = sorted(keys, key=lambda k: k in slow) if args.smoke else keys
            by_key: dict[str, TargetResult] = {}
            try:
                for key in order:
                    by_key[key] = run_target(
                        key,
                        profile,
                        receiver,
                        sender,
                        server_cpu,
                        lg_cpu,
                        workdir,
                        launched.pop(key, None),
                    )
            finally:
                for server, _ in launched.values():
                    server.stop()
        results = [by_key[k] for k in keys if k in by_key]
    elapsed = time.perf_counter() - started

    print(f"Cirkelbord benchmark, profile {profile.name}, {elapsed:.0f} s")
    print(render_table(results, profile))
    print(render_notes(results, profile, (server_cpu, lg_cpu)))
    print(
        f"other work on the benchmark CPUs before the run: {idle_load:.0%} of a core"
        + (" (a busy machine: expect noisy latency tails)" if idle_load >= 0.25 else "")
    )
    sys.stdout.flush()

    data = to_json(results, profile)
    data["seconds"] = elapsed
    data["other_load_before"] = idle_load
    if args.json is not None:
        args.json.write_text(json.dumps(data, indent=2))
    if not args.no_save and not args.smoke:
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (RESULTS_DIR / f"{stamp}-{profile.name}.json").write_text(json.dumps(data, indent=2))

    failed = [r for r in results if r.status == "error"]
    if args.require_all:
        failed = [r for r in results if r.status != "ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
