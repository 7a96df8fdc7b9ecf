"""The page's store, run in Chromium: an event's note operations merged at once, and a kept
board restored."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.support.server import ServerProcess
from tests.web.conftest import watched_page

pytestmark = pytest.mark.browser

# Applies one event to a board holding two notes, twice: as the store does (the event's run of
# note operations merged in one pass) and op by op with applyOp; returns both boards.
MERGE_AND_ONE_BY_ONE = """
async (count) => {
  const {applyServerMessage, applyOp, initialState} = await import('/static/js/store.js');
  const note = (i, text) => ({id: `n${i}`, circle: 'inner', text, order: i, revealed: true,
    meeting: 1});
  const snapshot = {type: 'snapshot', seq: 1, epoch: 'e',
    board: {notes: [note(count + 5, 'last'), note(3, 'old')], plans: []}};
  const ops = [];
  for (let i = 0; i < count; i++) ops.push({op: 'note', note: note((i * 7919) % count, 'new')});
  ops.push({op: 'note', note: note(2, 'twice')});  // the later of one id wins
  ops.push({op: 'counts', counts: {inner: 1, outer: 0}});
  ops.push({op: 'note_removed', id: 'n4'});
  ops.push({op: 'note', note: note(4, 'back')});
  let state = applyServerMessage(initialState(), snapshot);
  const merged = applyServerMessage(state, {type: 'event', seq: 2, ops}).board;
  let board = {...state.board, seq: 2};
  for (const op of ops) board = applyOp(board, op);
  return {merged, oneByOne: board};
}
"""


def test_a_reveal_s_notes_are_merged_as_if_applied_one_by_one(
    live_server: ServerProcess, browser: Browser
) -> None:
    with watched_page(browser) as page:
        page.goto(f"{live_server.url}/")
        boards = page.evaluate(MERGE_AND_ONE_BY_ONE, 2000)
    merged = boards["merged"]
    assert merged == boards["oneByOne"]
    notes = merged["notes"]
    assert [n["order"] for n in notes] == sorted(n["order"] for n in notes)
    assert len(notes) == 2001  # n0..n1999 and n2005
    texts = {n["id"]: n["text"] for n in notes}
    assert texts["n2"] == "twice" and texts["n3"] == "new" and texts["n4"] == "back"
    assert merged["counts"] == {"inner": 1, "outer": 0}


# A kept board restored before the socket opens, then what the server sends on top of it.
RESTORE = """
async () => {
  const {applyLocal, applyServerMessage, initialState} = await import('/static/js/store.js');
  const note = (id, text) => ({id, circle: 'inner', text, order: 1, revealed: false,
    meeting: 1});
  const kept = {board: {notes: [note('n1', 'kept')], plans: []}, seq: 7, epoch: 'e1',
    serverOffsetMs: 42};
  const restored = applyLocal(initialState(), {type: 'client/restore', ...kept});
  const ignored = applyLocal(restored, {type: 'client/restore', ...kept, seq: 3});
  const next = applyServerMessage(restored,
    {type: 'event', seq: 8, ops: [{op: 'note', note: note('n2', 'missed')}]});
  const fresh = applyServerMessage(restored,
    {type: 'snapshot', seq: 20, epoch: 'e2', board: {notes: [], plans: []}});
  return {restored, ignored: ignored === restored, next, fresh};
}
"""


def test_a_kept_board_is_restored_and_the_server_s_messages_go_on_from_it(
    live_server: ServerProcess, browser: Browser
) -> None:
    with watched_page(browser) as page:
        page.goto(f"{live_server.url}/")
        result = page.evaluate(RESTORE)
    restored = result["restored"]
    assert (restored["seq"], restored["epoch"], restored["serverOffsetMs"]) == (7, "e1", 42)
    assert [n["text"] for n in restored["board"]["notes"]] == ["kept"]
    assert result["ignored"], "a board from the server is never replaced by a kept one"
    assert result["next"]["seq"] == 8
    assert [n["text"] for n in result["next"]["board"]["notes"]] == ["kept", "missed"]
    assert (result["fresh"]["seq"], result["fresh"]["epoch"]) == (20, "e2")
    assert result["fresh"]["board"]["notes"] == []


# What keepBoard restores from the tab's storage: a board kept by this version of the web app.
KEPT = """
async (format) => {
  const here = new URL('.', document.querySelector('script[type=module]').src).pathname;
  const {createStore} = await import(`${here}store.js`);
  const {keepBoard} = await import(`${here}kept-board.js`);
  const kept = {format: format ?? here, board: {notes: [], plans: [], topic: 'kept'}, seq: 4,
    epoch: 'e', serverOffsetMs: 0};
  sessionStorage.setItem('test.board', JSON.stringify(kept));
  const store = createStore();
  keepBoard(store, 'test.board');
  return store.getState().board?.topic ?? null;
}
"""


@pytest.mark.parametrize(("format", "restored"), [(None, "kept"), ("/static/v/0ld/js/", None)])
def test_only_a_board_kept_by_the_same_version_is_restored(
    live_server: ServerProcess, browser: Browser, format: str | None, restored: str | None
) -> None:
    with watched_page(browser) as page:
        page.goto(f"{live_server.url}/")
        assert page.evaluate(KEPT, format) == restored
