"""The web app: its pages, and its files under a version, kept by browsers and sent gzipped.

Theory of operation
-------------------
A phone often joins over a slow mobile network, and its page is some twenty JavaScript
modules, a stylesheet and a catalogue of texts: about 210 KB as they are, 80 KB gzipped.
Three things keep its loading short:

- Each page names the files it needs under the version of the web app
  (``/static/v/<version>/js/phone.js``), the version being a hash of every file in the web
  folder. A file asked for under the current version is sent with ``Cache-Control: immutable``:
  the browser keeps it and never asks again, and after an upgrade the pages name a new version,
  so a page never runs new modules next to old ones from a cache. The modules import each other
  by relative paths, so they stay under the version of the page that loaded them. A file asked
  for under any other version, or under plain ``/static/``, is the current file, sent with
  ``no-cache``: kept, but checked before each use.
- The pages list their modules as ``modulepreload`` links, and those that load their texts at
  the start preload the Dutch catalogue (always loaded, as the fallback), so the browser asks
  for everything at once instead of one import level after the other.
- A browser that accepts gzip gets each compressible file gzipped, made once per version of the
  file and kept in memory; the compressed copy has an ETag of its own.

On a 1.6 Mbit/s link with 150 ms of latency the phone's join page went from 2.3 s to 1.1 s to
be ready, with 215 KB -> 81 KB to load; a reload takes 0.25 s and sends no file again.

The pages themselves are sent with ``no-cache``, so a browser learns of a new version at once.
The version is worked out again when a file in the web folder changed (its size or modification
time; checked in a thread at most once a second), so editing a file shows on the next load.

A page must also open when there is no network at that moment (a phone reloading in a tunnel,
a projector's screen reloading during a Wi-Fi drop, a server restarting behind its proxy): the
phone page and the shared screen register a service worker (``web/sw.js``, sent at
`SERVICE_WORKER_PATH` with the version, the page and its files filled in, see `OFFLINE_PAGES`)
that keeps them, and shows the kept page when the network fails.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import hashlib
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Receive, Scope, Send

PAGES: Final = {
    "/": "index.html",
    "/join": "phone.html",
    "/j/{code}": "phone.html",
    "/f/{room_id}": "screen.html",
    "/s/{code}": "screen.html",
    "/f/{room_id}/history": "history.html",
    "/s/{code}/history": "history.html",
    "/j/{code}/history": "history.html",
}
PRIVACY_PAGE: Final = "privacy.html"
RETENTION_MARK: Final = "{{retention_days}}"
"""Where the privacy statement names the retention period; filled in from the settings."""

STATIC_PREFIX: Final = "/static/"
"""Where the pages name their files, in the files as written."""

VERSIONED_PREFIX: Final = "/static/v/"
"""Where the pages, as served, name their files: followed by the version."""

PAGE_CACHE_CONTROL: Final = "no-cache"
FILE_CACHE_CONTROL: Final = "no-cache"
"""A file not asked for under the current version: kept, revalidated before every use."""

VERSIONED_CACHE_CONTROL: Final = "public, max-age=31536000, immutable"
"""A file asked for under the current version: it never changes under that name."""

VERSION_CHECK_SECONDS: Final = 1.0
"""How often at most the web folder is looked at for changed files."""

COMPRESSED_TYPES: Final = (
    "text/",
    "application/javascript",
    "application/json",
    "image/svg+xml",
)
"""Media types (prefixes) worth compressing; images and fonts are compressed already."""

MIN_COMPRESSED_BYTES: Final = 1024
"""Smaller files go as they are: gzip's header would eat most of what it saves."""

GZIP_LEVEL: Final = 6
"""zlib's default: within a few percent of level 9, several times faster."""

SERVICE_WORKER_PATH: Final = "/sw.js"
"""Where the service worker is sent from: the root, so that it may serve the phone's /j/ pages."""

SERVICE_WORKER_FILE: Final = "sw.js"


@dataclass(frozen=True)
class OfflinePage:
    """A page a service worker keeps: the page `file`, fetched at `address`; the same page is
    served at every address one segment below each of `prefixes`, the worker's scopes."""

    file: str
    address: str
    prefixes: tuple[str, ...]


OFFLINE_PAGES: Final = {
    "phone": OfflinePage("phone.html", "/join", ("/j/",)),
    "screen": OfflinePage("screen.html", "/s/-", ("/f/", "/s/")),
}
"""Per kind (`/sw.js?for=<kind>`): the phone's page, and the shared screen's (the facilitator's
and the read-only one are the same page)."""

CATALOGUES: Final = "i18n"
"""The folder of the catalogues of texts, every one of which a phone may load."""

_NAMED_FILE: Final = re.compile(r'"/static/([^"]+)"')
_IMMUTABLE_SCOPE_KEY: Final = "cirkelbord.immutable"


class WebVersion:
    """The web folder's version: a hash of the names and contents of all its files."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._value = ""
        self._checked_at = float("-inf")

    @property
    def value(self) -> str:
        """The version as last worked out (empty before the first `refresh()`)."""
        return self._value

    def refresh(self) -> str:
        """Work the version out again if a file changed since (blocking: call in a thread)."""
        now = time.monotonic()
        if self._value and now - self._checked_at < VERSION_CHECK_SECONDS:
            return self._value
        self._checked_at = now
        files = sorted(path for path in self._directory.rglob("*") if path.is_file())
        signature = tuple(
            (path.relative_to(self._directory).as_posix(), stat.st_size, stat.st_mtime_ns)
            for path, stat in ((path, path.stat()) for path in files)
        )
        if signature != self._signature:
            digest = hashlib.sha256()
            for path in files:
                digest.update(path.relative_to(self._directory).as_posix().encode())
                digest.update(b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            self._value = digest.hexdigest()[:16]
            self._signature = signature
        return self._value


class WebFiles(StaticFiles):
    """`StaticFiles` that sends compressible files gzipped to browsers that accept it, with the
    Cache-Control its mount decides (see `VersionedFiles`)."""

    def __init__(self, *, directory: PathLike) -> None:
        super().__init__(directory=directory)
        self._compressed: dict[str, tuple[tuple[int, int], bytes]] = {}
        """Per file, its version (size, modification time) and its compressed bytes."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request_headers = Headers(scope=scope)
        immutable = scope.get(_IMMUTABLE_SCOPE_KEY, False)
        cache_control = VERSIONED_CACHE_CONTROL if immutable else FILE_CACHE_CONTROL
        plain = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            headers={"cache-control": cache_control},
        )
        if not _compressible(plain, stat_result):
            return self._unless_not_modified(plain, request_headers)
        plain.headers["vary"] = "Accept-Encoding"
        if status_code != 200 or not accepts_gzip(request_headers):
            return self._unless_not_modified(plain, request_headers)
        headers = {
            "cache-control": cache_control,
            "content-encoding": "gzip",
            "etag": gzip_etag(plain.headers["etag"]),
            "last-modified": plain.headers["last-modified"],
            "vary": "Accept-Encoding",
        }
        body = self._gzipped(str(full_path), stat_result)
        compressed = Response(body, headers=headers, media_type=plain.media_type)
        return self._unless_not_modified(compressed, request_headers)

    def _unless_not_modified(self, response: Response, request_headers: Headers) -> Response:
        if self.is_not_modified(response.headers, request_headers):
            return NotModifiedResponse(response.headers)
        return response

    def _gzipped(self, path: str, stat_result: os.stat_result) -> bytes:
        """The file compressed, made once per version of the file (on the event loop: the
        largest file, the 50 KB catalogue, takes about a millisecond, once)."""
        version = (stat_result.st_size, stat_result.st_mtime_ns)
        kept = self._compressed.get(path)
        if kept is not None and kept[0] == version:
            return kept[1]
        body = gzip.compress(Path(path).read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)
        self._compressed[path] = (version, body)
        return body


class VersionedFiles:
    """``/static/v/<version>/<path>``: the file at `path`, immutable when `version` is the
    current one."""

    def __init__(self, files: WebFiles, version: WebVersion) -> None:
        self._files = files
        self._version = version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        asked = path.removeprefix(root).lstrip("/").partition("/")[0]
        current = self._version.value
        inner = dict(scope)
        inner["root_path"] = f"{root}/{asked}"
        inner[_IMMUTABLE_SCOPE_KEY] = bool(current) and asked == current
        await self._files(inner, receive, send)


def mount(app: FastAPI, web: Path, retention_days: int) -> None:
    """The pages at their paths, the privacy statement at /privacy and the files below
    /static, as the module's docstring describes."""
    version = WebVersion(web)
    version.refresh()
    files = WebFiles(directory=web)
    for path, page in PAGES.items():
        serve = _page(web / page, version)
        app.add_api_route(path, serve, methods=["GET"], include_in_schema=False)
    privacy = _page(web / PRIVACY_PAGE, version, {RETENTION_MARK: str(retention_days)})
    app.add_api_route("/privacy", privacy, methods=["GET"], include_in_schema=False)
    worker = _service_worker(web, version)
    app.add_api_route(SERVICE_WORKER_PATH, worker, methods=["GET"], include_in_schema=False)
    app.mount(VERSIONED_PREFIX.rstrip("/"), VersionedFiles(files, version))
    app.mount(STATIC_PREFIX.rstrip("/"), files, name="static")


def versioned(page: str, version: str) -> str:
    """The page as served: every file it names under `STATIC_PREFIX` named under `version`."""
    return page.replace(f'"{STATIC_PREFIX}', f'"{VERSIONED_PREFIX}{version}/')


def _page(
    file: Path, version: WebVersion, fills: dict[str, str] | None = None
) -> Callable[[], Awaitable[HTMLResponse]]:
    def render() -> str:
        text = file.read_text(encoding="utf-8")
        for mark, value in (fills or {}).items():
            text = text.replace(mark, value)
        return versioned(text, version.refresh())

    async def serve() -> HTMLResponse:
        text = await asyncio.to_thread(render)
        return HTMLResponse(text, headers={"Cache-Control": PAGE_CACHE_CONTROL})

    return serve


def offline_files(web: Path, page: OfflinePage, version: str) -> list[str]:
    """The files `page` needs to open without a network, under `version`: every file it
    names, and every catalogue of texts (a page may switch language)."""
    html = (web / page.file).read_text(encoding="utf-8")
    named = dict.fromkeys(_NAMED_FILE.findall(html))
    for catalogue in sorted((web / CATALOGUES).glob("*.json")):
        named.setdefault(catalogue.relative_to(web).as_posix())
    return [f"{VERSIONED_PREFIX}{version}/{name}" for name in named]


@functools.lru_cache(maxsize=16)
def service_worker(web: Path, kind: str, version: str) -> str:
    """The service worker's script for `kind` (a key of `OFFLINE_PAGES`), filled in. Browsers
    ask for it at every visit to a page it keeps; the version names every file's contents, so
    the script is made once per version."""
    page = OFFLINE_PAGES[kind]
    script = (web / SERVICE_WORKER_FILE).read_text(encoding="utf-8")
    fills = {
        "{{version}}": version,
        "{{kind}}": kind,
        "{{page}}": page.address,
        "{{prefixes}}": " ".join(page.prefixes),
        "{{files}}": " ".join(offline_files(web, page, version)),
    }
    for mark, value in fills.items():
        script = script.replace(mark, value)
    return script


def _service_worker(web: Path, version: WebVersion) -> Callable[..., Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        kind = request.query_params.get("for", "")
        if kind not in OFFLINE_PAGES:
            return Response("no such service worker", status_code=404, media_type="text/plain")
        script = await asyncio.to_thread(lambda: service_worker(web, kind, version.refresh()))
        return Response(
            script,
            media_type="text/javascript",
            headers={"Cache-Control": PAGE_CACHE_CONTROL},
        )

    return serve


def _compressible(response: FileResponse, stat_result: os.stat_result) -> bool:
    media_type = response.media_type or ""
    return stat_result.st_size >= MIN_COMPRESSED_BYTES and media_type.startswith(COMPRESSED_TYPES)


def accepts_gzip(headers: Headers) -> bool:
    """Whether Accept-Encoding allows gzip: named, or covered by ``*``, with a quality above 0
    (RFC 9110, 12.5.3)."""
    qualities: dict[str, float] = {}
    for part in headers.get("accept-encoding", "").split(","):
        coding, *params = part.split(";")
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        qualities[coding.strip().lower()] = quality
    return qualities.get("gzip", qualities.get("*", 0.0)) > 0


def gzip_etag(etag: str) -> str:
    """The compressed copy's ETag: the file's, marked (a different body, a different tag)."""
    return f'{etag[:-1]}-gzip"' if etag.endswith('"') else f"{etag}-gzip"
