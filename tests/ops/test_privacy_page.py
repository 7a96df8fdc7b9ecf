"""/privacy: the statement in Dutch and English, with this installation's retention period."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx

from app.api.web import RETENTION_MARK
from app.config import Settings
from app.main import create_app
from tests.support.server import ROOT, ServerProcess

WEB = ROOT / "web"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_the_privacy_page_is_served_in_both_languages(live_server: ServerProcess) -> None:
    response = httpx.get(f"{live_server.url}/privacy")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page = response.text
    assert RETENTION_MARK not in page
    assert "90 dagen" in page and "90 days" in page
    languages = [attrs.get("lang") for tag, attrs in parse(page) if tag == "article"]
    assert languages == ["nl", "en"]
    module = httpx.get(f"{live_server.url}/static/js/privacy.js")
    assert module.status_code == 200 and "javascript" in module.headers["content-type"]


def test_the_page_keeps_to_the_content_security_policy() -> None:
    page = (WEB / "privacy.html").read_text()
    tags = parse(page)
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert scripts == [{"type": "module", "src": "/static/js/privacy.js"}]
    assert not [tag for tag, _ in tags if tag == "style"]
    assert not [attrs for _, attrs in tags if "style" in attrs]
    assert not [attrs for _, attrs in tags if any(name.startswith("on") for name in attrs)]
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page), "a request to elsewhere"


def test_the_page_names_what_matters() -> None:
    page = (WEB / "privacy.html").read_text()
    for said in (
        # Dutch, then English: what is stored, who sees it, for how long, what is not done.
        "hash",
        "geen cookies",
        "no cookies",
        "Geen IP-adressen",
        "No IP addresses",
        "anoniem bord",
        "anonymous board",
        "Stemmen worden nergens aan een persoon gekoppeld",
        "Votes are never linked to a person",
        f"{RETENTION_MARK} dagen",
        f"{RETENTION_MARK} days",
        "Back-ups",
        "Backups",
        "ook na het onthullen",
        "also after the reveal",
    ):
        assert said in page, said


async def test_the_retention_period_is_this_installations(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", retention_days=30
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        page = (await http.get("/privacy")).text
    assert "30 dagen" in page and "30 days" in page and RETENTION_MARK not in page


def test_the_start_page_links_to_it() -> None:
    links = [attrs for tag, attrs in parse((WEB / "index.html").read_text()) if tag == "a"]
    assert {"href": "/privacy"} in links
