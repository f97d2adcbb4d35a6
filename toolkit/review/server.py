"""The local review page: a loopback-only HTTP server with a small JSON API and one static page.

Security model: the server binds 127.0.0.1 only; the page and every API call need this run's
random token (in the URL `mekong review` opens, then in an HttpOnly SameSite=Strict cookie, or
an `X-Mekong-Token` header for scripts), so other local users cannot read or edit the document;
every request must name this server in its Host header (stops DNS-rebinding pages from reading
the API); a POST must come with this server's Origin and a JSON body (stops other sites from
posting forms or simple requests); every response carries a strict Content-Security-Policy, and
the page writes document text with `textContent` only, so nothing from a document can run.

Stale pages: every row the page gets carries its version (`changes.row_version`) and every save
sends the version it was made on; a save over a newer state (an `import-review`, another tab, a
re-run) is refused with 409, the newer row in the answer, and nothing written.

Robustness: a bounded pool of worker threads behind a listen backlog of 64 (a browser and a few
scripts), a socket timeout per connection, and malformed requests (bad or deeply nested JSON,
wrong lengths, huge bodies) answered with 4xx; a client that goes away is dropped quietly.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import polars as pl

from toolkit import store
from toolkit.documents import entering_text
from toolkit.errors import MekongError, StoreError
from toolkit.review.changes import Applied, ReviewChange, apply_changes, row_version

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_TYPE = "text/html; charset=utf-8"
STATIC_FILES = {
    "/": ("index.html", PAGE_TYPE),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
MAX_BODY = 1024 * 1024
BACKLOG = 64  # pending connections the kernel keeps (the default 5 resets concurrent saves)
WORKERS = 16  # threads serving requests; more connections wait in the backlog
SOCKET_TIMEOUT = 10.0  # seconds a connection may stay silent (a stalled body, a slow client)
TOKEN_HEADER = "X-Mekong-Token"
ACTIONS = {"approve": "approved", "reject": "rejected", "edit": None, "reset": "new"}
LOOPBACK = "127.0.0.1"


def row_view(row: dict[str, Any]) -> dict[str, Any]:
    """What the page needs of one stored row (JSON-safe)."""
    signals = row.get("signals") or {}
    return {
        "seg_id": row["seg_id"],
        "para_id": row.get("para_id"),
        "tgt_lang": row["tgt_lang"],
        "src_text": row["src_text"] or "",
        "tgt_text": row["tgt_text"] or "",
        "mt_text": row.get("mt_text"),
        "score": row.get("score"),
        "status": row.get("status"),
        "review": row.get("review"),
        "origin": row.get("origin"),
        "flags": [str(f) for f in (signals.get("flags") or [])],
        "terms": [
            {
                "term_id": t.get("term_id"),
                "src": t.get("src"),
                "tgt": t.get("tgt"),
                "found": bool(t.get("found")),
            }
            for t in (row.get("terms") or [])
        ],
        "test_model": bool(row.get("test_model")),
        "version": row_version(row),
    }


class StaleSave(StoreError):
    """A save made on an older version of the row: refused, the current row goes back."""

    def __init__(self, message: str, row: dict[str, Any]) -> None:
        super().__init__(message)
        self.row = row


@dataclass
class ReviewApp:
    """The state behind the page: which stored document it edits."""

    path: Path
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def cookie_name(self) -> str:
        # cookies ignore the port: one name per server, so two review pages do not clash
        return f"mekong_review_{self.port}"

    def token_ok(self, candidate: str | None) -> bool:
        """Constant-time comparison with this run's token."""
        if not candidate:
            return False
        return hmac.compare_digest(candidate.encode("utf-8", "replace"), self.token.encode())

    def document(self) -> dict[str, Any]:
        frame = store.read_doc(self.path).sort(["seg_id", "tgt_lang"])
        rows = [row_view(r) for r in frame.to_dicts()]
        return {
            "doc_id": frame["doc_id"][0] if frame.height else self.path.stem,
            "src_lang": frame["src_lang"][0] if frame.height else "",
            "targets": sorted(set(frame["tgt_lang"].to_list())),
            "engine": frame["engine"][0] if frame.height else "",
            "test_model": any(r["test_model"] for r in rows),
            "rows": rows,
        }

    def review(self, body: dict[str, Any]) -> dict[str, Any]:
        """Apply one action from the page; returns the stored row afterwards."""
        action = body.get("action")
        if action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
        seg_id, tgt = body.get("seg_id"), body.get("tgt_lang")
        if not isinstance(seg_id, int) or isinstance(seg_id, bool) or not isinstance(tgt, str):
            raise ValueError("seg_id (integer) and tgt_lang (string) are required")
        if not 0 <= seg_id < 2**62:
            raise ValueError("seg_id out of range")
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            raise ValueError("text must be a string")
        if text is not None:  # as every text entering the store: no control characters
            text = entering_text(text)
        if action == "edit" and not (text or "").strip():
            raise ValueError("an edit needs a non-empty target text")
        version = body.get("version")
        if not isinstance(version, str) or not version:
            raise ValueError("version (of the row the page shows) is required: reload the page")
        expected_src = body.get("src_text")
        change = ReviewChange(seg_id, tgt, review=ACTIONS[action], tgt_text=text)

        def apply(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Applied]]:
            hit = frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt))
            if hit.height:
                _check_current(hit.to_dicts()[0], version, expected_src)
            return apply_changes(frame, [change])

        with self.lock:
            applied = store.update_doc(self.path, apply)
            frame = store.read_doc(self.path)
        row = frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()
        return {"changed": bool(applied), "row": row_view(row[0])}


def _check_current(row: dict[str, Any], version: str, expected_src: Any) -> None:
    """Refuse a save made on an older page: the source moved (a re-run renumbers segments) or
    the row changed since the page got it (an import, another tab)."""
    if isinstance(expected_src, str) and row["src_text"] != expected_src:
        raise StoreError(
            f"segment {row['seg_id']} changed in the store since the page was loaded: reload"
        )
    if version != row_version(row):
        raise StaleSave(
            f"segment {row['seg_id']} ({row['tgt_lang']}) was changed elsewhere since you "
            "opened it (an import or another tab): not saved; the newer text is shown",
            row_view(row),
        )


def make_handler(app: ReviewApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "MekongReview"
        sys_version = ""
        timeout = SOCKET_TIMEOUT

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: the terminal shows the URL and errors only

        # --- checks -------------------------------------------------------------------
        def _own_hosts(self) -> set[str]:
            port = self.server.server_address[1]
            return {f"{LOOPBACK}:{port}", f"localhost:{port}"}

        def _host_ok(self) -> bool:
            return (self.headers.get("Host") or "") in self._own_hosts()

        def _origin_ok(self, required: bool) -> bool:
            origin = self.headers.get("Origin")
            if origin is None:
                return not required
            return origin in {f"http://{h}" for h in self._own_hosts()}

        def _cookie(self) -> str | None:
            for part in (self.headers.get("Cookie") or "").split(";"):
                name, sep, value = part.strip().partition("=")
                if sep and name == app.cookie_name:
                    return value
            return None

        def _authorized(self) -> bool:
            return app.token_ok(self._cookie()) or app.token_ok(self.headers.get(TOKEN_HEADER))

        def _guard(self, origin_required: bool) -> bool:
            """Host, Origin and token checks shared by every method; False once refused."""
            if not self._host_ok():
                self._error(HTTPStatus.MISDIRECTED_REQUEST, "wrong Host")
            elif not self._origin_ok(required=origin_required):
                self._error(HTTPStatus.FORBIDDEN, "cross-origin request refused")
            else:
                return True
            return False

        # --- responses ----------------------------------------------------------------
        def _send(
            self, status: int, body: bytes, content_type: str, cookie: str | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in SECURITY_HEADERS.items():
                self.send_header(key, value)
            if cookie is not None:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, payload: Any) -> None:
            body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
            self._send(status, body, "application/json; charset=utf-8")

        def _error(self, status: int, message: str) -> None:
            self.close_connection = True
            self._json(status, {"error": message})

        def _page(self, query: str) -> None:
            """The page needs the token: from the URL once (then a cookie), else the cookie."""
            token = (parse_qs(query).get("token") or [None])[0]
            if app.token_ok(token):
                cookie = f"{app.cookie_name}={app.token}; HttpOnly; SameSite=Strict; Path=/"
                body = (STATIC_DIR / "index.html").read_bytes()
                return self._send(HTTPStatus.OK, body, PAGE_TYPE, cookie)
            if not self._authorized():
                return self._error(
                    HTTPStatus.FORBIDDEN,
                    "open the address with ?token=... that `mekong review` printed",
                )
            return self._send(HTTPStatus.OK, (STATIC_DIR / "index.html").read_bytes(), PAGE_TYPE)

        # --- methods ------------------------------------------------------------------
        def do_GET(self) -> None:  # noqa: N802
            if not self._guard(origin_required=False):
                return None
            path, _, query = self.path.partition("?")
            if path in ("/", "/index.html"):
                return self._page(query)
            if path in STATIC_FILES:  # the page's own script and style: no document data
                name, ctype = STATIC_FILES[path]
                return self._send(HTTPStatus.OK, (STATIC_DIR / name).read_bytes(), ctype)
            if path == "/favicon.ico":
                return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            if not self._authorized():
                return self._error(HTTPStatus.FORBIDDEN, "missing or wrong review token")
            if path == "/api/doc":
                try:
                    return self._json(HTTPStatus.OK, app.document())
                except MekongError as exc:
                    return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
            return self._error(HTTPStatus.NOT_FOUND, "not found")

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET()

        def do_POST(self) -> None:  # noqa: N802
            if not self._guard(origin_required=True):
                return None
            if not self._authorized():
                return self._error(HTTPStatus.FORBIDDEN, "missing or wrong review token")
            if self.path != "/api/review":
                return self._error(HTTPStatus.NOT_FOUND, "not found")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != "application/json":
                return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
            body = self._read_json()
            if body is None:
                return None
            try:
                result = app.review(body)
            except ValueError as exc:
                return self._error(HTTPStatus.BAD_REQUEST, str(exc))
            except StaleSave as exc:
                return self._json(
                    HTTPStatus.CONFLICT, {"error": str(exc), "stale": True, "row": exc.row}
                )
            except MekongError as exc:
                return self._error(HTTPStatus.CONFLICT, str(exc))
            return self._json(HTTPStatus.OK, result)

        def _read_json(self) -> dict[str, Any] | None:
            """The request's JSON object, or None once a 4xx has been sent."""
            raw = self.headers.get("Content-Length")
            if raw is None:
                return self._error(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
            digits = raw.strip()
            if not (digits.isascii() and digits.isdigit()):
                return self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length")
            length = int(digits) if len(digits) <= 12 else MAX_BODY + 1
            if length > MAX_BODY:
                return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
            if length == 0:
                return self._error(HTTPStatus.BAD_REQUEST, "empty body")
            data = self.rfile.read(length)
            if len(data) != length:
                return self._error(HTTPStatus.BAD_REQUEST, "body shorter than Content-Length")
            try:
                body = json.loads(data.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                return self._error(HTTPStatus.BAD_REQUEST, f"not JSON ({exc.__class__.__name__})")
            except RecursionError:
                return self._error(HTTPStatus.BAD_REQUEST, "JSON nested too deeply")
            if not isinstance(body, dict):
                return self._error(HTTPStatus.BAD_REQUEST, "send a JSON object")
            return body

        def _refuse(self) -> None:
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed")

        do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815

    return Handler


class ReviewServer(ThreadingHTTPServer):
    """A threading server with a bounded pool and a quiet console.

    A client that disconnects or stalls (broken pipe, reset, timeout) is dropped without a
    word; anything else is one line on stderr, never a traceback.
    """

    request_queue_size = BACKLOG
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: ReviewApp) -> None:
        super().__init__(address, make_handler(app))
        self.app = app
        app.port = self.server_address[1]
        self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="mekong-review")

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(self.process_request_thread, request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        print(f"review server: request failed ({exc.__class__.__name__}: {exc})", file=sys.stderr)


def make_server(path: Path, port: int = 0) -> ReviewServer:
    """A server for one stored document on 127.0.0.1 (port 0: any free port)."""
    path = Path(path)
    store.read_doc(path)  # fail now, with a clear error, if it is not a store file
    return ReviewServer((LOOPBACK, port), ReviewApp(path))


def url_of(server: ReviewServer) -> str:
    """The page's address with this run's token (give it only to the person reviewing)."""
    return f"http://{LOOPBACK}:{server.server_address[1]}/?token={server.app.token}"
