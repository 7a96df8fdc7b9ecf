"""Loading a page in a real browser: every file under the page's version, asked for once and
compressed, and none asked for again on a reload."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.server import ServerProcess
from tests.web.conftest import Message, PhoneFactory

pytestmark = pytest.mark.browser

VERSIONED = re.compile(r"/static/v/([0-9a-f]+)/")

RESOURCES = """() => performance.getEntriesByType('resource')
  .filter(entry => entry.name.includes('/static/'))
  .map(entry => ({name: entry.name, transfer: entry.transferSize,
                  encoded: entry.encodedBodySize, decoded: entry.decodedBodySize}))"""


def open_join_page(page: Page, server: ServerProcess, board: Message) -> list[dict[str, Any]]:
    """The page's files as Resource Timing saw them, once it is ready to join."""
    expect(page.get_by_role("button", name="Meedoen")).to_be_visible()
    page.wait_for_load_state("networkidle")
    resources: list[dict[str, Any]] = page.evaluate(RESOURCES)
    return resources


def test_a_phone_loads_each_file_once_and_not_again_on_a_reload(
    live_server: ServerProcess, board: Message, phone_context: PhoneFactory
) -> None:
    page = phone_context().new_page()
    page.goto(f"{live_server.url}/j/{board['join_code']}")
    first = open_join_page(page, live_server, board)

    names = [resource["name"] for resource in first]
    versions = {match.group(1) for name in names if (match := VERSIONED.search(name))}
    assert len(versions) == 1 and all(VERSIONED.search(name) for name in names), names
    assert len(names) == len(set(names)), f"asked for twice: {sorted(names)}"
    assert sum(name.endswith("/i18n/nl.json") for name in names) == 1
    modules = page.locator('link[rel="modulepreload"]').count() + 1  # and the entry module
    assert sum(name.endswith(".js") for name in names) == modules
    for resource in first:
        # The icon is asked for after the page has loaded, when the service worker may have
        # fetched it already (it keeps the page's files): then it comes from the cache.
        if not resource["name"].endswith("/icon.svg"):
            assert resource["transfer"] > 0, resource
        if resource["decoded"] > 4096:
            assert resource["encoded"] < resource["decoded"] / 2, f"not compressed: {resource}"

    page.reload()
    again = open_join_page(page, live_server, board)
    assert {resource["name"] for resource in again} == set(names)
    fetched = [resource["name"] for resource in again if resource["transfer"] > 0]
    assert not fetched, f"asked for again on a reload: {fetched}"
