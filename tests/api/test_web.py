"""The web app's pages and files: versioned names, caching, gzip, the preloads, and the
service workers that keep the phone page and the shared screen for opening without a network."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import Headers

from app.api import web
from app.api.web import (
    FILE_CACHE_CONTROL,
    MIN_COMPRESSED_BYTES,
    OFFLINE_PAGES,
    PAGE_CACHE_CONTROL,
    PAGES,
    PRIVACY_PAGE,
    SERVICE_WORKER_PATH,
    VERSIONED_CACHE_CONTROL,
    WebVersion,
    accepts_gzip,
)
from app.config import WEB_DIR, Settings
from app.main import create_app

GZIP = {"Accept-Encoding": "gzip"}
PLAIN = {"Accept-Encoding": "identity"}
IMPORT = re.compile(r"^\s*(?:import|export)\s(?:[^;'\"]*?\sfrom\s)?'\./([\w.-]+\.js)'", re.M)
STATIC_NAME = re.compile(r'(?:href|src)="/static/([^"]+)"')


async def client_for(web_dir: Path, tmp_path: Path) -> httpx.AsyncClient:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", web_dir=web_dir
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with await client_for(WEB_DIR, tmp_path) as client:
        yield client


@pytest.fixture
def web_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(WEB_DIR, tmp_path / "web"))


def version_in(page: str) -> str:
    match = re.search(r'src="/static/v/([0-9a-f]+)/js/', page)
    assert match, "the page names no module under a version"
    return match.group(1)


async def test_a_page_names_its_files_under_the_current_version(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/j/ABCDE12345")
    assert response.headers["cache-control"] == PAGE_CACHE_CONTROL
    page = response.text
    version = version_in(page)
    names = STATIC_NAME.findall(page)
    assert len(names) > 20
    assert all(name.startswith(f"v/{version}/") for name in names), "a file outside the version"
    module = await http.get(f"/static/v/{version}/js/phone.js", headers=PLAIN)
    assert module.status_code == 200
    assert module.headers["cache-control"] == VERSIONED_CACHE_CONTROL
    assert module.content == (WEB_DIR / "js" / "phone.js").read_bytes()


async def test_a_file_under_another_version_or_none_is_checked_before_each_use(
    http: httpx.AsyncClient,
) -> None:
    for path in ("/static/v/0123456789abcdef/js/phone.js", "/static/js/phone.js"):
        response = await http.get(path, headers=PLAIN)
        assert response.status_code == 200
        assert response.headers["cache-control"] == FILE_CACHE_CONTROL
        assert response.content == (WEB_DIR / "js" / "phone.js").read_bytes()
    assert (await http.get("/static/v/0123456789abcdef/js/nothing.js")).status_code == 404
    assert (await http.get("/static/v/0123456789abcdef")).status_code == 404
    assert (await http.get("/static/v/x/%2e%2e/%2e%2e/app/main.py")).status_code == 404


async def test_the_version_follows_the_files(
    web_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "VERSION_CHECK_SECONDS", 0.0)
    async with await client_for(web_copy, tmp_path) as http:
        before = version_in((await http.get("/join")).text)
        assert version_in((await http.get("/join")).text) == before
        module = web_copy / "js" / "phone.js"
        module.write_text(module.read_text() + "\n// changed\n")
        after = version_in((await http.get("/join")).text)
        assert after != before
        new = await http.get(f"/static/v/{after}/js/phone.js", headers=PLAIN)
        assert new.headers["cache-control"] == VERSIONED_CACHE_CONTROL
        assert new.text.endswith("// changed\n")
        old = await http.get(f"/static/v/{before}/js/phone.js", headers=PLAIN)
        assert old.headers["cache-control"] == FILE_CACHE_CONTROL, "old name, new content"


def test_a_version_is_a_hash_of_names_and_contents(web_copy: Path) -> None:
    first = WebVersion(web_copy).refresh()
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert WebVersion(web_copy).refresh() == first, "the same files, the same version"
    (web_copy / "js" / "dom.js").rename(web_copy / "js" / "dom2.js")
    assert WebVersion(web_copy).refresh() != first, "a renamed file is another version"


async def test_compressible_files_are_sent_gzipped_to_browsers_that_accept_it(
    http: httpx.AsyncClient,
) -> None:
    original = (WEB_DIR / "i18n" / "nl.json").read_bytes()
    response = await http.get("/static/i18n/nl.json", headers=GZIP)
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"].startswith("application/json")
    assert response.content == original  # httpx undoes the gzip
    assert int(response.headers["content-length"]) < len(original) / 2
    plain = await http.get("/static/i18n/nl.json", headers=PLAIN)
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"
    assert plain.content == original
    assert plain.headers["etag"] != response.headers["etag"], "two bodies, two tags"


async def test_a_compressed_file_is_revalidated_with_its_own_tag(
    http: httpx.AsyncClient,
) -> None:
    first = await http.get("/static/js/phone.js", headers=GZIP)
    tag = first.headers["etag"]
    again = await http.get("/static/js/phone.js", headers={**GZIP, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["etag"] == tag
    plain_tag = (await http.get("/static/js/phone.js", headers=PLAIN)).headers["etag"]
    mixed = await http.get("/static/js/phone.js", headers={**GZIP, "If-None-Match": plain_tag})
    assert mixed.status_code == 200, "the plain file's tag does not stand for the gzipped one"


async def test_small_files_and_images_are_sent_as_they_are(
    http: httpx.AsyncClient, web_copy: Path, tmp_path: Path
) -> None:
    icon = WEB_DIR / "icon.svg"
    assert icon.stat().st_size < MIN_COMPRESSED_BYTES
    small = await http.get("/static/icon.svg", headers=GZIP)
    assert small.status_code == 200 and "content-encoding" not in small.headers
    assert "vary" not in small.headers
    (web_copy / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(4096))
    async with await client_for(web_copy, tmp_path) as copy:
        picture = await copy.get("/static/picture.png", headers=GZIP)
    assert picture.status_code == 200 and "content-encoding" not in picture.headers


async def test_a_changed_file_is_compressed_again(web_copy: Path, tmp_path: Path) -> None:
    catalogue = web_copy / "i18n" / "nl.json"
    async with await client_for(web_copy, tmp_path) as http:
        first = await http.get("/static/i18n/nl.json", headers=GZIP)
        catalogue.write_text(catalogue.read_text().replace("{", '{"added": "yes",', 1))
        second = await http.get("/static/i18n/nl.json", headers=GZIP)
    assert second.headers["content-encoding"] == "gzip"
    assert first.content != second.content
    assert second.content == catalogue.read_bytes(), "the old file's compressed copy was sent"


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("GZIP;q=0.5", True),
        ("*", True),
        ("br;q=1, *;q=0.1", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("identity", False),
        ("br", False),
        ("", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_is_read_as_http_says(accept_encoding: str, gzipped: bool) -> None:
    assert accepts_gzip(Headers({"accept-encoding": accept_encoding})) is gzipped


# -- the pages name what they load -------------------------------------------------------


def imports_of(entry: str) -> set[str]:
    """Every module `entry` imports, directly or not (relative imports only: there are no
    others)."""
    found: set[str] = set()
    todo = [entry]
    while todo:
        name = todo.pop()
        for imported in IMPORT.findall((WEB_DIR / "js" / name).read_text(encoding="utf-8")):
            if imported not in found:
                found.add(imported)
                todo.append(imported)
    found.discard(entry)
    return found


@pytest.mark.parametrize("page", sorted({*PAGES.values(), PRIVACY_PAGE}))
def test_a_page_preloads_every_module_it_imports_and_nothing_else(page: str) -> None:
    html = (WEB_DIR / page).read_text(encoding="utf-8")
    entries = re.findall(r'<script type="module" src="/static/js/([\w.-]+)"></script>', html)
    assert len(entries) == 1, "one entry module per page"
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/js/([\w.-]+)">', html)
    expected = imports_of(entries[0])
    assert len(preloaded) == len(set(preloaded)), "a module preloaded twice"
    missing = sorted(expected - set(preloaded))
    needless = sorted(set(preloaded) - expected)
    assert not missing and not needless, (
        f"{page}: add {missing}, drop {needless} "
        "(a module left out is fetched one import level later; one too many, for nothing)"
    )
    catalogue = '<link rel="preload" href="/static/i18n/nl.json" as="fetch" crossorigin>'
    loads_texts = "loadCatalogue(" in (WEB_DIR / "js" / entries[0]).read_text(encoding="utf-8")
    assert (catalogue in html) is loads_texts, (
        f"{page}: preload the Dutch catalogue if and only if the page loads it at the start"
    )
    for name in STATIC_NAME.findall(html):
        assert (WEB_DIR / name).is_file(), f"{page} names /static/{name}, which is missing"


def test_loading_texts_fetches_the_dutch_catalogue() -> None:
    """What makes the preload above right: loadCatalogue always fetches Dutch, the fallback,
    besides the chosen language."""
    i18n = (WEB_DIR / "js" / "i18n.js").read_text(encoding="utf-8")
    assert "DEFAULT_LANGUAGE = 'nl'" in i18n
    assert "fetchCatalogue(DEFAULT_LANGUAGE)" in i18n


# -- the service worker ------------------------------------------------------------------


def worker_constant(script: str, name: str) -> str:
    match = re.search(rf"^const {name} = '([^']*)'", script, re.M)
    assert match, f"the service worker has no {name}"
    return match.group(1)


@pytest.mark.parametrize("kind", sorted(OFFLINE_PAGES))
async def test_the_service_worker_keeps_its_page_and_every_file_it_needs(
    http: httpx.AsyncClient, kind: str
) -> None:
    response = await http.get(SERVICE_WORKER_PATH, params={"for": kind})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == PAGE_CACHE_CONTROL
    script = response.text
    assert "{{" not in script, "a mark left unfilled"

    offline = OFFLINE_PAGES[kind]
    page = (await http.get(offline.address)).text
    version = version_in(page)
    assert worker_constant(script, "VERSION") == version
    assert worker_constant(script, "KIND") == kind
    assert worker_constant(script, "PAGE") == offline.address
    assert worker_constant(script, "PREFIXES").split(" ") == list(offline.prefixes)
    assert page == (WEB_DIR / offline.file).read_text().replace(
        '"/static/', f'"/static/v/{version}/'
    )
    for prefix in offline.prefixes:  # the kept page stands for every address below a prefix
        assert (await http.get(f"{prefix}ABCDE12345")).text == page
    files = worker_constant(script, "FILES").split(" ")
    named = {f"/static/{name}" for name in STATIC_NAME.findall(page)}
    catalogues = {f"/static/v/{version}/i18n/{path.name}" for path in WEB_DIR.glob("i18n/*.json")}
    assert set(files) == named | catalogues
    assert len(files) == len(set(files))
    for file in files:  # installing fails if any of them does
        assert (await http.get(file, headers=PLAIN)).status_code == 200, file


@pytest.mark.parametrize("query", [{}, {"for": "history"}])
async def test_there_is_no_service_worker_for_other_pages(
    http: httpx.AsyncClient, query: dict[str, str]
) -> None:
    assert (await http.get(SERVICE_WORKER_PATH, params=query)).status_code == 404


def test_the_pages_register_their_worker_for_the_prefixes_it_keeps() -> None:
    offline = (WEB_DIR / "js" / "offline.js").read_text(encoding="utf-8")
    for kind, page in OFFLINE_PAGES.items():
        scopes = ", ".join(f"'{prefix}'" for prefix in page.prefixes)
        assert f"{kind}: [{scopes}]" in offline, f"offline.js registers {kind} elsewhere"
        entry = re.findall(r'src="/static/js/([\w.-]+)"', (WEB_DIR / page.file).read_text())[0]
        assert f"keepForOffline('{kind}')" in (WEB_DIR / "js" / entry).read_text()


async def test_a_new_version_of_the_web_app_is_a_new_service_worker(
    web_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The browser installs a service worker anew when its bytes change: a changed file makes
    a new version, and a file added to the phone page is kept too."""
    monkeypatch.setattr(web, "VERSION_CHECK_SECONDS", 0.0)
    async with await client_for(web_copy, tmp_path) as http:
        worker = (SERVICE_WORKER_PATH, {"for": "phone"})
        before = (await http.get(worker[0], params=worker[1])).text
        assert (await http.get(worker[0], params=worker[1])).text == before
        (web_copy / "js" / "extra.js").write_text("export const x = 1;\n", encoding="utf-8")
        phone = web_copy / OFFLINE_PAGES["phone"].file
        link = '<link rel="modulepreload" href="/static/js/extra.js">'
        phone.write_text(phone.read_text().replace("</head>", f"  {link}\n</head>"))
        after = (await http.get(worker[0], params=worker[1])).text
        version = worker_constant(after, "VERSION")
        assert version != worker_constant(before, "VERSION")
        assert f"/static/v/{version}/js/extra.js" in worker_constant(after, "FILES").split(" ")
