"""Starting and watching server processes and load-generator processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psutil

from bench.loadgen import raise_fd_limit, worker_main
from bench.targets.base import ServerSpec

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def usable_cpus() -> tuple[int | None, int | None]:
    """(server CPU, load-generator CPU); None when there is only one CPU to use."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return cpus[0], cpus[1]


def tree_cpu_seconds(proc: psutil.Process) -> float:
    """User+system CPU time of a process and its descendants that are still alive."""
    total = 0.0
    procs = [proc]
    with contextlib.suppress(psutil.Error):
        procs += proc.children(recursive=True)
    for p in procs:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    procs = [proc]
    with contextlib.suppress(psutil.Error):
        procs += proc.children(recursive=True)
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def busy_cpu_seconds(cpus: set[int]) -> float:
    """Non-idle time of ``cpus`` from /proc/stat, whoever used it."""
    total = 0.0
    for index, times in enumerate(psutil.cpu_times(percpu=True)):
        if index in cpus:
            total += times.user + times.nice + times.system
            total += getattr(times, "irq", 0.0) + getattr(times, "softirq", 0.0)
            total += getattr(times, "steal", 0.0)
    return total


def run_delay_seconds(proc: psutil.Process) -> float:
    """Time the threads of a process tree spent runnable but waiting for a CPU
    (``/proc/<pid>/task/<tid>/schedstat``); 0 where the kernel does not report it."""
    total = 0
    procs = [proc]
    with contextlib.suppress(psutil.Error):
        procs += proc.children(recursive=True)
    for p in procs:
        task_dir = f"/proc/{p.pid}/task"
        try:
            tids = os.listdir(task_dir)
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"{task_dir}/{tid}/schedstat") as f:
                    total += int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return total / 1e9


class ServerError(Exception):
    pass


@dataclass
class Server:
    """A running server under test."""

    name: str
    port: int
    popen: subprocess.Popen[bytes]
    proc: psutil.Process
    log_path: Path
    _log: IO[bytes]

    @property
    def base_http(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def base_ws(self) -> str:
        return f"ws://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.proc)

    def rss(self) -> int:
        return tree_rss(self.proc)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 5.0) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout)
        self._log.close()


def start_server(name: str, spec: ServerSpec, port: int, cpu: int | None, workdir: Path) -> Server:
    """Start ``spec`` in its own process group, pinned to ``cpu``, and wait until it serves."""
    server = launch_server(name, spec, port, cpu, workdir)
    try:
        wait_ready(server, spec)
    except BaseException:
        server.stop()
        raise
    return server


def launch_server(name: str, spec: ServerSpec, port: int, cpu: int | None, workdir: Path) -> Server:
    """Start ``spec`` in its own process group, pinned to ``cpu``; do not wait for it."""
    log_path = workdir / f"{name}.log"
    log = log_path.open("wb")
    env = dict(os.environ)
    env.update(spec.env)
    env.setdefault("PYTHONUNBUFFERED", "1")

    def before_exec() -> None:
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})
        raise_fd_limit()

    popen = subprocess.Popen(
        spec.argv,
        cwd=spec.cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=before_exec,
        process_group=0,
    )
    return Server(name, port, popen, psutil.Process(popen.pid), log_path, log)


def wait_ready(server: Server, spec: ServerSpec) -> None:
    deadline = time.monotonic() + spec.ready_timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise ServerError(
                f"exited with code {server.popen.returncode}: {server.log_tail(8) or 'no output'}"
            )
        if _answers(server, spec.ready_path):
            return
        time.sleep(0.05)
    raise ServerError(f"not ready after {spec.ready_timeout:.0f}s: {server.log_tail(8)}")


def _answers(server: Server, path: str | None) -> bool:
    if path is None:
        try:
            with socket.create_connection((HOST, server.port), timeout=0.5):
                return True
        except OSError:
            return False
    try:
        with urllib.request.urlopen(server.base_http + path, timeout=1.0) as response:
            return 200 <= int(response.status) < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class WorkerError(Exception):
    pass


class LoadWorker:
    """Orchestrator-side handle of one load-generator process."""

    def __init__(self, role: str, cpu: int | None) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        self.role = role
        self.pipe = parent
        self.process = ctx.Process(
            target=worker_main,
            args=(role, cpu, child),
            name=f"bench-{role}",
            daemon=True,
        )
        self.process.start()
        child.close()
        assert self.process.pid is not None
        self.proc = psutil.Process(self.process.pid)
        self.pending: str | None = None

    def submit(self, op: str, **args: Any) -> None:
        if self.pending is not None:
            raise WorkerError(f"{self.role}: {self.pending} still running")
        self.pending = op
        self.pipe.send({"op": op, **args})

    def result(self, timeout: float = 60.0) -> dict[str, Any]:
        op = self.pending
        deadline = time.monotonic() + timeout
        while not self.pipe.poll(0.1):
            if not self.process.is_alive():
                raise WorkerError(f"{self.role} process died during {op}")
            if time.monotonic() > deadline:
                raise WorkerError(f"{self.role}: {op} took more than {timeout:.0f}s")
        reply: dict[str, Any] = self.pipe.recv()
        self.pending = None
        if not reply.get("ok", False) and reply.get("traceback"):
            raise WorkerError(f"{self.role}: {op} failed: {reply.get('traceback')}")
        return reply

    def call(self, op: str, timeout: float = 60.0, **args: Any) -> dict[str, Any]:
        self.submit(op, **args)
        return self.result(timeout)

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.proc)

    def close(self) -> None:
        if self.process.is_alive():
            with contextlib.suppress(OSError, WorkerError):
                if self.pending is None:
                    self.call("exit", timeout=5.0)
            self.process.join(3.0)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(3.0)
        self.pipe.close()
