"""The local review page: a loopback-only HTTP server with a small JSON API and one static page.

Security model: the server binds 127.0.0.1 only; every request must name this server in its
Host header (stops DNS-rebinding pages from reading the API); a POST must come with this
server's Origin and a JSON body (stops other sites from posting forms or simple requests);
every response carries a strict Content-Security-Policy, and the page writes document text with
`textContent` only, so nothing from a document can run as script.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import store
from toolkit.errors import MekongError, StoreError
from toolkit.review.changes import Applied, ReviewChange, apply_changes

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
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
    }


@dataclass
class ReviewApp:
    """The state behind the page: which stored document it edits."""

    path: Path
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

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
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            raise ValueError("text must be a string")
        if action == "edit" and not (text or "").strip():
            raise ValueError("an edit needs a non-empty target text")
        expected_src = body.get("src_text")
        change = ReviewChange(seg_id, tgt, review=ACTIONS[action], tgt_text=text)

        def apply(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Applied]]:
            # the page may be older than the store (a re-run renumbers segments): refuse then
            hit = frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt))
            if isinstance(expected_src, str) and hit.height and hit["src_text"][0] != expected_src:
                raise StoreError(
                    f"segment {seg_id} changed in the store since the page was loaded: reload"
                )
            return apply_changes(frame, [change])

        with self.lock:
            applied = store.update_doc(self.path, apply)
            frame = store.read_doc(self.path)
        row = frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()
        return {"changed": bool(applied), "row": row_view(row[0])}


def make_handler(app: ReviewApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "MekongReview"
        sys_version = ""

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

        # --- responses ----------------------------------------------------------------
        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in SECURITY_HEADERS.items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, payload: Any) -> None:
            body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
            self._send(status, body, "application/json; charset=utf-8")

        def _error(self, status: int, message: str) -> None:
            self._json(status, {"error": message})

        # --- methods ------------------------------------------------------------------
        def do_GET(self) -> None:  # noqa: N802
            if not self._host_ok():
                return self._error(HTTPStatus.MISDIRECTED_REQUEST, "wrong Host")
            if not self._origin_ok(required=False):
                return self._error(HTTPStatus.FORBIDDEN, "cross-origin request refused")
            path = self.path.split("?", 1)[0]
            if path in STATIC_FILES:
                name, ctype = STATIC_FILES[path]
                return self._send(HTTPStatus.OK, (STATIC_DIR / name).read_bytes(), ctype)
            if path == "/favicon.ico":
                return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            if path == "/api/doc":
                try:
                    return self._json(HTTPStatus.OK, app.document())
                except MekongError as exc:
                    return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
            return self._error(HTTPStatus.NOT_FOUND, "not found")

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET()

        def do_POST(self) -> None:  # noqa: N802
            if not self._host_ok():
                return self._error(HTTPStatus.MISDIRECTED_REQUEST, "wrong Host")
            if not self._origin_ok(required=True):
                return self._error(HTTPStatus.FORBIDDEN, "cross-origin request refused")
            if self.path != "/api/review":
                return self._error(HTTPStatus.NOT_FOUND, "not found")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != "application/json":
                return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
            try:
                length = int(self.headers.get("Content-Length") or "0")
            except ValueError:
                length = -1
            if not 0 < length <= MAX_BODY:
                return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "bad body length")
            try:
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                if not isinstance(body, dict):
                    raise ValueError("send a JSON object")
                result = app.review(body)
            except (ValueError, UnicodeDecodeError) as exc:
                return self._error(HTTPStatus.BAD_REQUEST, str(exc))
            except MekongError as exc:
                return self._error(HTTPStatus.CONFLICT, str(exc))
            return self._json(HTTPStatus.OK, result)

        def _refuse(self) -> None:
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed")

        do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815

    return Handler


def make_server(path: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server for one stored document on 127.0.0.1 (port 0: any free port)."""
    path = Path(path)
    store.read_doc(path)  # fail now, with a clear error, if it is not a store file
    app = ReviewApp(path)
    server = ThreadingHTTPServer((LOOPBACK, port), make_handler(app))
    server.daemon_threads = True
    app.port = server.server_address[1]
    return server


def url_of(server: ThreadingHTTPServer) -> str:
    return f"http://{LOOPBACK}:{server.server_address[1]}/"
