"""The benchmark harness still runs end to end (tiny sizes, no timing asserts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_smoke_prints_the_table() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "Cirkelbord benchmark, profile smoke" in out, out + proc.stderr
    for row in (
        "fan-out 3 clients: p50 / p99 ms",
        "fan-out 10 clients: p50 / p99 ms",
        "capacity: delivered msg/s",
        "server CPU us / delivered msg",
        "RSS per idle connection",
        "join 25-note board alone",
    ):
        assert row in out, f"missing row {row!r}:\n{out}"
    # The joining clients parsed their snapshots (the join's figure includes that parse).
    assert "25 notes" in out, out
    for label in ("FastAPI minimal", "python-socketio", "Node ws", "Cirkelbord"):
        assert label in out.splitlines()[1], out
    # Cirkelbord itself must have run every scenario: an error there is a broken server or
    # adapter, not a missing peer.
    assert "cirkelbord: FAILED" not in out + proc.stderr, out + proc.stderr
    assert "cirkelbord: error" not in out + proc.stderr, out + proc.stderr
