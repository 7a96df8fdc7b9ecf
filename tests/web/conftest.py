"""Browser fixtures: Debian's Chromium driven by Playwright, phones at 360x640, a facilitator.

Playwright's own browser download does not work here, so the system Chromium is launched by
path. Without it the browser tests are skipped locally, but they fail on CI (CI=true), where
a missing browser must never pass silently.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)
from websockets.sync.client import ClientConnection, connect

from app.realtime.protocol import PROTOCOL_VERSION
from tests.support.client import messages_of, with_person, with_reflection
from tests.support.server import ServerProcess

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT: ViewportSize = {"width": 360, "height": 640}
TIMEOUT_MS = 10_000
WAIT_SECONDS = 10.0

Message = dict[str, Any]
PhoneFactory = Callable[[], BrowserContext]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    Playwright's sync API drives its event loop from a greenlet that stays inside
    `run_until_complete` for as long as the session's browser lives, so this thread keeps a
    "running" loop and every asyncio test after the first browser test would fail to start.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run on CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def phone_context(browser: Browser) -> Iterator[PhoneFactory]:
    """Make phone-sized browser contexts; any uncaught page error fails the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    def make() -> BrowserContext:
        context = browser.new_context(
            viewport=PHONE_VIEWPORT,
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
            locale="nl-NL",
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"


# -- a facilitator over a plain (synchronous) WebSocket ---------------------------------------


def create_board(server: ServerProcess, topic: str = "Onze overdracht", **extra: Any) -> Message:
    response = httpx.post(f"{server.url}/api/boards", json={"topic": topic, **extra})
    response.raise_for_status()
    board: Message = response.json()
    return board


class Facilitator:
    """Drives a board the way the facilitator's screen does, and mirrors what it sees."""

    _cids = itertools.count()

    def __init__(self, server: ServerProcess, room_id: str, token: str) -> None:
        self._hello = {
            "type": "hello",
            "v": PROTOCOL_VERSION,
            "role": "facilitator",
            "token": token,
        }
        self._url = f"{server.ws_url}/ws/{room_id}"
        self._ws: ClientConnection | None = None
        self.board: Message = {}
        self.seq = 0

    def __enter__(self) -> Facilitator:
        self._ws = connect(self._url, compression=None).__enter__()
        self._ws.send(json.dumps(self._hello))
        self.wait_for(lambda board: bool(board))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._ws is not None
        self._ws.__exit__(kind, error, trace)

    def _receive(self, timeout: float) -> list[Message]:
        """The messages of the next frame (one, or several when the server batches)."""
        assert self._ws is not None
        try:
            raw = self._ws.recv(timeout=timeout)
        except TimeoutError:
            return []
        messages = messages_of(raw)
        for message in messages:
            self._apply(message)
        return messages

    def _apply(self, message: Message) -> None:
        if message["type"] == "snapshot":
            self.board = message["board"]
            self.seq = message["seq"]
        elif message["type"] == "event":
            self.seq = message["seq"]
            for op in message["ops"]:
                self._apply_op(op)

    def _apply_op(self, op: Message) -> None:
        kind = op["op"]
        if kind == "board":
            self.board.update({k: v for k, v in op.items() if k != "op"})
        elif kind == "note":
            notes = [n for n in self.board["notes"] if n["id"] != op["note"]["id"]]
            self.board["notes"] = sorted([*notes, op["note"]], key=lambda n: n["order"])
        elif kind == "note_removed":
            self.board["notes"] = [n for n in self.board["notes"] if n["id"] != op["id"]]
        elif kind == "participant":
            self.board["participants"] = with_person(self.board["participants"], op["person"])
        elif kind == "counts":
            self.board["counts"], self.board["writers"] = op["counts"], op["writers"]
        elif kind in ("voting", "reflections", "scale"):
            self.board[kind] = op[kind]
        elif kind == "reflection":
            self.board["reflections"] = with_reflection(self.board["reflections"], op)

    def command(self, **fields: Any) -> Message:
        """Send a command and wait for its ack; an error fails the test."""
        assert self._ws is not None
        cid = f"fac-{next(self._cids)}"
        self._ws.send(json.dumps({**fields, "cid": cid}))
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            for message in self._receive(0.2):
                if message.get("cid") == cid:
                    assert message["type"] == "ack", message
                    return message
        raise AssertionError(f"no answer to {fields}")

    def change_phase(self, source: str, target: str) -> None:
        self.command(type="change_phase", **{"from": source, "to": target})
        self.wait_for(lambda board: board.get("phase") == target)

    def wait_for(self, predicate: Callable[[Message], bool]) -> Message:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if predicate(self.board):
                return self.board
            self._receive(0.2)
        raise AssertionError(f"board never matched; last seen: {self.board}")

    def settle(self, seconds: float = 0.3) -> Message:
        """Read whatever arrives within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._receive(0.05)
        return self.board


@pytest.fixture
def board(live_server: ServerProcess) -> Message:
    """A fresh board on the shared live server."""
    return create_board(live_server)


@pytest.fixture
def facilitator(live_server: ServerProcess, board: Message) -> Iterator[Facilitator]:
    with Facilitator(live_server, board["room_id"], board["facilitator_token"]) as facilitator:
        yield facilitator


def screenshot(page: Page, name: str) -> None:
    """Save a picture of the page when CIRKELBORD_SCREENSHOTS names a folder (for the docs)."""
    folder = os.environ.get("CIRKELBORD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@contextmanager
def watched_page(browser: Browser, **context_options: Any) -> Iterator[Page]:
    """A page in a context of its own; any uncaught error in the page fails the test."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"errors in the page: {errors}"


WORKER_ACTIVE = """([scope, timeoutMs]) => new Promise((resolve) => {
  const deadline = Date.now() + timeoutMs;
  const check = async () => {
    const registration = await navigator.serviceWorker.getRegistration(scope);
    if (registration?.active?.state === 'activated') resolve(true);
    else if (Date.now() > deadline) resolve(false);
    else setTimeout(check, 50);
  };
  check();
})"""


def worker_active(page: Page, scope: str) -> bool:
    """Whether a service worker for `scope` is (or becomes, within the timeout) active."""
    active: bool = page.evaluate(WORKER_ACTIVE, [scope, TIMEOUT_MS])
    return active


def join_with_name(page: Page, name: str) -> None:
    """On the join form with its code filled in: give a name and join."""
    page.get_by_label("Je naam (mag leeg blijven)").fill(name)
    page.get_by_role("button", name="Meedoen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stap")


def write_note(page: Page, circle: str, text: str) -> None:
    """Type a note into the open circle on a phone and stick it on."""
    label = "Wat gaat er al goed?" if circle == "inner" else "Wat wil je nog bereiken?"
    page.get_by_role("textbox", name=label).fill(text)
    dutch = {"inner": "binnencirkel", "outer": "buitencirkel"}[circle]
    page.get_by_role("button", name=f"Plak in de {dutch}").click()
