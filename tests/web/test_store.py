"""The page's store, run in Chromium: an event's note operations merged at once."""

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
    hidden: false, merged_into: null, inward: null, author: null});
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
