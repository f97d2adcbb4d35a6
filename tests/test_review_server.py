"""The review server's API and its guards (Host, Origin, content type), without a browser."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import stat
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl
import pytest

from tests.reviewdata import DOC_ID, make_stored_doc
from toolkit.review.server import make_server, url_of


@dataclass
class Served:
    path: Path
    port: int
    token: str

    @property
    def cookie(self) -> str:
        return f"mekong_review_{self.port}={self.token}"


@pytest.fixture
def served(fake_engine, tmp_path: Path) -> Iterator[Served]:
    path = make_stored_doc(fake_engine, tmp_path / "aligned")
    server = make_server(path, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(path, server.server_address[1], server.app.token)
    finally:
        server.shutdown()
        server.server_close()


def request(
    served: Served, method: str, url: str, body: object = None, auth: bool = True, **headers: str
):
    """One request with this server's Host (and Origin for a body) and, unless auth=False,
    its token cookie; keyword headers override (Content_Type= is Content-Type)."""
    port = served.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    base = {"Host": f"127.0.0.1:{port}"}
    if auth:
        base["Cookie"] = served.cookie
    if data is not None:
        base |= {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/json"}
    base |= {k.replace("_", "-"): v for k, v in headers.items()}
    conn.request(method, url, body=data, headers=base)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response, payload


def versions(served: Served) -> dict[tuple[int, str], str]:
    """Each row's version as the page gets it (a save must send the one it was made on)."""
    doc = json.loads(request(served, "GET", "/api/doc")[1])
    return {(r["seg_id"], r["tgt_lang"]): r["version"] for r in doc["rows"]}


def save(served: Served, body: dict, **headers: str):
    """POST a review action with the row's current version."""
    version = versions(served).get((body["seg_id"], body["tgt_lang"]), "none")
    return request(served, "POST", "/api/review", {"version": version, **body}, **headers)


def test_page_and_document_api(served):
    path = served.path
    response, page = request(served, "GET", "/")
    assert response.status == 200
    csp = response.getheader("Content-Security-Policy")
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert b'<script src="/static/app.js"' in page
    response, body = request(served, "GET", "/api/doc")
    doc = json.loads(body)
    frame = pl.read_parquet(path)
    assert doc["doc_id"] == DOC_ID and doc["test_model"] is True
    assert doc["targets"] == ["km", "vi"] and len(doc["rows"]) == frame.height
    assert any(t["term_id"] == "moj" and not t["found"] for r in doc["rows"] for t in r["terms"])
    assert request(served, "GET", "/static/../server.py")[0].status == 404


def test_actions_are_saved_to_the_store(served):
    path = served.path
    mt = pl.read_parquet(path).filter((pl.col("seg_id") == 2) & (pl.col("tgt_lang") == "vi"))
    response, body = save(served, {"seg_id": 2, "tgt_lang": "vi", "action": "edit", "text": "Mới"})
    assert response.status == 200, body
    assert json.loads(body)["row"]["review"] == "edited"
    save(served, {"seg_id": 0, "tgt_lang": "km", "action": "approve"})
    save(served, {"seg_id": 1, "tgt_lang": "km", "action": "reject"})
    frame = pl.read_parquet(path)
    got = {(r["seg_id"], r["tgt_lang"]): r for r in frame.to_dicts()}
    assert got[(2, "vi")]["tgt_text"] == "Mới" and got[(2, "vi")]["mt_text"] == mt["tgt_text"][0]
    assert got[(0, "km")]["review"] == "approved" and got[(1, "km")]["review"] == "rejected"
    response, body = save(served, {"seg_id": 99, "tgt_lang": "km", "action": "approve"})
    assert response.status == 409 and b"not in document" in body
    response, _ = save(served, {"seg_id": 1, "tgt_lang": "km", "action": "drop table"})
    assert response.status == 400
    stale = {"seg_id": 3, "tgt_lang": "km", "action": "approve", "src_text": "an older sentence"}
    response, body = save(served, stale)
    assert response.status == 409 and b"reload" in body
    unversioned = {"seg_id": 3, "tgt_lang": "km", "action": "approve"}
    response, body = request(served, "POST", "/api/review", unversioned)
    assert response.status == 400 and b"version" in body  # a blind save is refused
    assert pl.read_parquet(path).filter(pl.col("seg_id") == 3)["review"].to_list() == ["new"] * 2


def _stored(path: Path, seg_id: int, tgt: str) -> dict:
    frame = pl.read_parquet(path)
    return frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()[0]


def test_a_second_save_from_the_same_page_version_is_refused(served):
    """Two tabs opened on the same row: the second save would overwrite the first unseen."""
    version = versions(served)[(2, "km")]
    first = {"seg_id": 2, "tgt_lang": "km", "action": "edit", "version": version}
    response, body = request(served, "POST", "/api/review", {**first, "text": "ការកែទីមួយ"})
    assert response.status == 200, body
    assert json.loads(body)["row"]["version"] != version  # the page gets the new version
    response, body = request(served, "POST", "/api/review", {**first, "text": "ការកែទីពីរ"})
    assert response.status == 409
    answer = json.loads(body)
    assert answer["stale"] is True and "changed elsewhere" in answer["error"]
    assert answer["row"]["tgt_text"] == "ការកែទីមួយ"  # the newer text, for the page to show
    assert answer["row"]["version"] == versions(served)[(2, "km")]
    assert _stored(served.path, 2, "km")["tgt_text"] == "ការកែទីមួយ"  # the first save stays
    again = {**first, "text": "ការកែទីពីរ", "version": answer["row"]["version"]}
    assert request(served, "POST", "/api/review", again)[0].status == 200  # knowingly, on top
    assert _stored(served.path, 2, "km")["tgt_text"] == "ការកែទីពីរ"


def test_a_page_loaded_before_an_import_cannot_overwrite_it(served, tmp_path):
    from toolkit.review.imports import import_review
    from toolkit.store.exports import export_frame

    seen = versions(served)  # the page is open
    row = _stored(served.path, 1, "km")
    tmx = export_frame(pl.read_parquet(served.path), "tmx").decode("utf-8")
    old = f"<seg>{escape(row['tgt_text'])}</seg>"
    assert tmx.count(old) == 1
    reviewed = tmp_path / "reviewed.tmx"
    reviewed.write_text(tmx.replace(old, "<seg>ការកែពីឯកសារ</seg>"), encoding="utf-8")
    assert len(import_review(reviewed, served.path.parent).applied) == 1
    approve = {"seg_id": 1, "tgt_lang": "km", "action": "approve", "version": seen[(1, "km")]}
    response, body = request(served, "POST", "/api/review", approve)
    assert response.status == 409 and json.loads(body)["row"]["tgt_text"] == "ការកែពីឯកសារ"
    stored = _stored(served.path, 1, "km")
    assert stored["tgt_text"] == "ការកែពីឯកសារ" and stored["review"] == "edited"
    # rows the import did not touch keep their version: saving them still works
    other = {"seg_id": 0, "tgt_lang": "km", "action": "approve", "version": seen[(0, "km")]}
    assert request(served, "POST", "/api/review", other)[0].status == 200


def test_foreign_requests_are_refused(served):
    path, port = served.path, served.port
    before = path.read_bytes()
    approve = {"seg_id": 0, "tgt_lang": "km", "action": "approve"}
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1
    assert request(served, "GET", "/api/doc", Host="evil.example")[0].status == 421
    post = "POST", "/api/review", approve
    assert request(served, *post, Host=f"evil.example:{port}")[0].status == 421
    assert request(served, *post, Origin="http://evil.example")[0].status == 403
    assert request(served, "GET", "/api/doc", Origin="http://evil.example")[0].status == 403
    assert request(served, "POST", "/api/review", approve, Origin="null")[0].status == 403
    form = request(
        served,
        "POST",
        "/api/review",
        b"action=approve",
        Content_Type="application/x-www-form-urlencoded",
    )
    assert form[0].status == 415
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST",
        "/api/review",
        body=json.dumps(approve),
        headers={
            "Host": f"127.0.0.1:{port}",
            "Content-Type": "application/json",
            "Cookie": served.cookie,
        },
    )
    assert conn.getresponse().status == 403  # a POST without Origin
    conn.close()
    assert path.read_bytes() == before


def test_server_binds_loopback_only(fake_engine, tmp_path):
    path = make_stored_doc(fake_engine, tmp_path / "aligned")
    server = make_server(path, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_cli_review_bad_document(mekong):
    result = mekong("review", "missing-doc", "--no-browser", "--port", "0")
    assert result.code == 5 and "no such stored document" in result.err
    assert len(result.err.strip().splitlines()) == 1


# --- the per-run token --------------------------------------------------------------------


def test_everything_but_the_static_files_needs_the_token(served):
    path, before = served.path, served.path.read_bytes()
    approve = {"seg_id": 0, "tgt_lang": "km", "action": "approve"}
    for auth in ({"auth": False}, {"auth": False, "Cookie": f"mekong_review_{served.port}=x"}):
        assert request(served, "GET", "/", **auth)[0].status == 403
        assert request(served, "GET", "/api/doc", **auth)[0].status == 403
        assert request(served, "POST", "/api/review", approve, **auth)[0].status == 403
        assert request(served, "HEAD", "/api/doc", **auth)[0].status == 403
    wrong = request(served, "GET", "/api/doc", auth=False, X_Mekong_Token=served.token[:-1] + "x")
    assert wrong[0].status == 403
    assert request(served, "GET", "/?token=guess", auth=False)[0].status == 403
    assert path.read_bytes() == before
    assert request(served, "GET", "/static/app.js", auth=False)[0].status == 200  # no data


def test_token_url_sets_a_strict_http_only_cookie(served):
    response, page = request(served, "GET", f"/?token={served.token}", auth=False)
    assert response.status == 200 and b"app.js" in page
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith(f"mekong_review_{served.port}={served.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    script = request(served, "GET", "/api/doc", auth=False, X_Mekong_Token=served.token)
    assert script[0].status == 200  # scripts may send the token as a header


def test_each_run_has_its_own_token(fake_engine, tmp_path):
    path = make_stored_doc(fake_engine, tmp_path / "aligned")
    one, two = make_server(path, 0), make_server(path, 0)
    try:
        assert one.app.token != two.app.token and len(one.app.token) >= 32
        assert url_of(one).endswith(f"/?token={one.app.token}")
    finally:
        one.server_close()
        two.server_close()


def test_saves_keep_the_store_file_mode(served):
    served.path.chmod(0o640)
    edit = {"seg_id": 2, "tgt_lang": "vi", "action": "edit", "text": "Bản sửa"}
    assert save(served, edit)[0].status == 200
    assert stat.S_IMODE(served.path.stat().st_mode) == 0o640


def test_fifty_concurrent_saves_are_all_answered_and_one_wins_per_row(served):
    """50 saves at once, several on each row from the same page version: every one is
    answered (none reset by a short backlog), exactly one per row is saved, the others get
    409 (they were made on a version that the winner replaced)."""
    rows = pl.read_parquet(served.path).select("seg_id", "tgt_lang").rows()
    version = versions(served)
    start = threading.Barrier(50)
    statuses: dict[int, int | str] = {}

    def post(n: int) -> None:
        seg_id, tgt = rows[n % len(rows)]
        start.wait()
        try:
            action = "approve" if n % 2 else "reject"
            body = {"seg_id": seg_id, "tgt_lang": tgt, "action": action}
            body["version"] = version[(seg_id, tgt)]
            statuses[n] = request(served, "POST", "/api/review", body)[0].status
        except OSError as exc:
            statuses[n] = exc.__class__.__name__

    threads = [threading.Thread(target=post, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == list(range(50)) and set(statuses.values()) <= {200, 409}
    for k in range(len(rows)):
        mine = [statuses[n] for n in range(k, 50, len(rows))]
        assert mine.count(200) == 1, (rows[k], mine)
    assert set(pl.read_parquet(served.path)["review"]) <= {"approved", "rejected"}


# --- hostile requests: 4xx or dropped, never a traceback ------------------------------------


def _raw(served: Served, data: bytes, shut: bool = True) -> bytes:
    """Send raw bytes (closing our side when `shut`) and return what the server answered."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
        sock.sendall(data)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _post_head(served: Served, length: str) -> bytes:
    return (
        f"POST /api/review HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
        f"Origin: http://127.0.0.1:{served.port}\r\nCookie: {served.cookie}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_hostile_requests_get_4xx_and_no_traceback(served, capfd):
    before = served.path.read_bytes()
    cases = {
        "bad json": (b"{not json", "9"),
        "deeply nested json": (b"[" * 200_000 + b"]" * 200_000, "400000"),
        "not an object": (b"[1, 2]", "6"),
        "not utf-8": (b'{"a": "\xff"}', "11"),
        "body shorter than its length": (b'{"seg_id": 1}', "500"),
        "length not a number": (b"{}", "two"),
        "negative length": (b"{}", "-2"),
        "huge length": (b"{}", str(50 * 1024 * 1024)),
        "absurd length": (b"{}", "9" * 5000),
    }
    for case, (body, length) in cases.items():
        answer = _raw(served, _post_head(served, length) + body)
        assert 400 <= _status(answer) < 500, (case, answer[:200])
    garbage = _raw(served, b"\x16\x03\x01 not http at all\r\n\r\n")  # answered as HTTP/0.9
    assert b"Error code: 400" in garbage
    no_length = _post_head(served, "2").replace(b"Content-Length: 2\r\n", b"")
    assert _status(_raw(served, no_length + b"{}")) == 411
    # a client that goes away mid-request, or before reading the answer
    for data in (_post_head(served, "100") + b'{"seg', b"GET /api/doc HTTP/1.1\r\n"):
        with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
            sock.sendall(data)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
        sock.sendall(f"GET /api/doc HTTP/1.0\r\nHost: 127.0.0.1:{served.port}\r\n".encode())
        sock.sendall(f"Cookie: {served.cookie}\r\n\r\n".encode())
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    assert request(served, "GET", "/api/doc")[0].status == 200  # still serving
    assert served.path.read_bytes() == before
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err, err


def test_browser_gets_the_token_through_a_private_file(monkeypatch):
    import webbrowser

    from toolkit.cli.review_cmd import open_browser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    url = "http://127.0.0.1:8765/?token=abc-_123"
    folder = open_browser(url)
    try:
        assert opened and url not in opened[0] and opened[0].startswith("file://")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert url in (folder / "open.html").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(folder)


def test_a_page_edit_is_stored_without_control_characters(served):
    response, body = save(
        served, {"seg_id": 2, "tgt_lang": "vi", "action": "edit", "text": "Mới\x0bdòng\r\nhai\x07"}
    )
    assert response.status == 200, body
    row = pl.read_parquet(served.path).filter(
        (pl.col("seg_id") == 2) & (pl.col("tgt_lang") == "vi")
    )
    assert row["tgt_text"][0] == "Mớidòng\nhai"
