"""Real servers for tests: Redis and PostgreSQL on free loopback ports in temporary directories.

Every helper polls until its server answers (no fixed sleeps) and stops the server in
``finally``. A missing binary skips the test on a developer machine but fails it in CI
(``CI=true``), where a silent skip would hide a whole engine from the suite.

PostgreSQL refuses to run as root. When the tests run as root (CI containers), the helpers
create the system user ``cirkelbord-test`` if needed and run ``initdb``/``pg_ctl`` through
``runuser``, in a directory that user owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Final, NoReturn, Self

import pytest

START_TIMEOUT: Final = 30.0
"""Seconds a server may take to answer after it was started."""
STOP_TIMEOUT: Final = 10.0
POLL_INTERVAL: Final = 0.02
START_ATTEMPTS: Final = 3
"""A free port can be taken by someone else before the server binds it: try a new one."""

TEST_USER: Final = "cirkelbord-test"
TEST_DATABASE: Final = "cirkelbord_test"
POSTGRES_BIN_GLOB: Final = "/usr/lib/postgresql/*/bin"
INITDB_OPTIONS: Final = ("-E", "UTF8", "--locale=C", "--no-sync")

REDIS_HINT: Final = "install it with `apt-get install redis-server`"
POSTGRES_HINT: Final = "install it with `apt-get install postgresql`"


class ServiceError(RuntimeError):
    """A test server did not start or stop as expected; the message ends with its log."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(reason: str) -> NoReturn:
    """Skip locally; fail in CI, where every service must be present."""
    if in_ci():
        pytest.fail(f"{reason} (CI must run every test, so a missing service fails)", pytrace=False)
    pytest.skip(reason)


def require_binary(name: str, hint: str, *, search: Iterable[str | Path] = ()) -> str:
    """The path of executable ``name`` (on PATH or in one of ``search``), or skip/fail."""
    for directory in search:
        candidate = Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        missing(f"{name} not found: {hint}")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(
    ready: Callable[[], bool],
    *,
    what: str,
    alive: Callable[[], bool] = lambda: True,
    log: Path | None = None,
    timeout: float = START_TIMEOUT,
) -> None:
    """Poll ``ready()`` until it is true; fail early when ``alive()`` turns false."""
    deadline = time.monotonic() + timeout
    while not ready():
        if not alive():
            raise ServiceError(f"{what} exited while starting{_log_tail(log)}")
        if time.monotonic() > deadline:
            raise ServiceError(f"{what} did not answer within {timeout:.0f} s{_log_tail(log)}")
        time.sleep(POLL_INTERVAL)


def _log_tail(log: Path | None, lines: int = 30) -> str:
    if log is None or not log.exists():
        return ""
    tail = log.read_text(errors="replace").splitlines()[-lines:]
    return "\n--- " + str(log) + "\n" + "\n".join(tail)


# Redis


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A throwaway ``redis-server`` without persistence; ``restart()`` keeps its port."""

    def __init__(self, directory: Path) -> None:
        self.binary = require_binary("redis-server", REDIS_HINT)
        self.directory = directory
        self.port = 0
        self.log = directory / "redis.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.port:  # a restart: clients expect the same address
            self._spawn(self.port)
            return
        for attempt in range(1, START_ATTEMPTS + 1):
            self.port = free_port()
            try:
                self._spawn(self.port)
                return
            except ServiceError:
                if attempt == START_ATTEMPTS:
                    raise

    def _spawn(self, port: int) -> None:
        command = [
            self.binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--appendonly",
            "no",
            "--loglevel",
            "warning",
        ]
        with self.log.open("ab") as log:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self._process = process
        try:
            wait_until(
                lambda: redis_answers(port),
                what=f"redis-server on port {port}",
                alive=lambda: process.poll() is None,
                log=self.log,
            )
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        _terminate(process)

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def start_redis(tmp_path: Path) -> Iterator[str]:
    """Run a Redis server for the duration of the block; yields ``redis://127.0.0.1:PORT/0``."""
    with RedisServer(tmp_path / "redis") as server:
        yield server.url


# PostgreSQL


def postgres_binary(name: str) -> str:
    """A PostgreSQL server program: Debian keeps them outside PATH, newest version first."""
    directories = sorted(Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")), key=_version, reverse=True)
    return require_binary(name, POSTGRES_HINT, search=directories)


def _version(bin_dir: Path) -> tuple[int, ...]:
    name = bin_dir.parent.name
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _ensure_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    useradd = require_binary("useradd", "it is in the `passwd` package")
    subprocess.run(
        [useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent", name],
        check=False,
        capture_output=True,
    )
    try:
        return pwd.getpwnam(name)  # also covers another process creating it first
    except KeyError:
        raise ServiceError(f"could not create the system user {name!r}") from None


def _run(command: Sequence[str], *, cwd: Path, what: str, log: Path | None = None) -> None:
    result = subprocess.run(
        command, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise ServiceError(f"{what} failed ({result.returncode}):\n{output}{_log_tail(log)}")


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


@contextmanager
def start_postgres(tmp_path: Path) -> Iterator[str]:
    """Run a PostgreSQL server with one empty database for the duration of the block.

    Yields ``postgresql+asyncpg://postgres@127.0.0.1:PORT/cirkelbord_test`` (trust auth). The
    server runs with fsync off: fast, and fine for data that dies with the test run. Its log
    is copied to ``tmp_path / "postgres.log"`` when it stops.
    """
    initdb = postgres_binary("initdb")
    bin_dir = Path(initdb).parent
    pg_ctl, createdb = str(bin_dir / "pg_ctl"), str(bin_dir / "createdb")
    run_as: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        owner = _ensure_user(TEST_USER)
        run_as = [require_binary("runuser", "it is in the `util-linux` package"), "-u", TEST_USER]
        run_as.append("--")
    # A short path of our own: socket paths are limited to about 100 bytes, and the test user
    # must be able to reach it (pytest's directories belong to root and are private).
    root = Path(tempfile.mkdtemp(prefix="cirkelbord-pg-", dir="/tmp" if owner else None))
    data, log = root / "data", root / "postgres.log"
    started = False
    try:
        if owner is not None:
            os.chown(root, owner.pw_uid, owner.pw_gid)
        _run(
            [*run_as, initdb, "-D", str(data), "-U", "postgres", "-A", "trust", *INITDB_OPTIONS],
            cwd=root,
            what="initdb",
        )
        wait = ["-w", "-t", f"{START_TIMEOUT:.0f}"]
        for attempt in range(1, START_ATTEMPTS + 1):
            port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                _run(
                    [
                        *run_as,
                        pg_ctl,
                        "-D",
                        str(data),
                        "-l",
                        str(log),
                        "-o",
                        options,
                        *wait,
                        "start",
                    ],
                    cwd=root,
                    what=f"pg_ctl start on port {port}",
                    log=log,
                )
            except ServiceError:
                if attempt == START_ATTEMPTS:
                    raise
                continue
            started = True
            break
        wait_until(lambda: _accepts_connections(port), what="postgres", log=log)
        _run(
            [
                *run_as,
                createdb,
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                TEST_DATABASE,
            ],
            cwd=root,
            what="createdb",
            log=log,
        )
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{TEST_DATABASE}"
    finally:
        try:
            if started:
                _run(
                    [*run_as, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                    cwd=root,
                    what="pg_ctl stop",
                    log=log,
                )
        finally:
            if log.exists():
                tmp_path.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(log, tmp_path / "postgres.log")
            shutil.rmtree(root, ignore_errors=True)
