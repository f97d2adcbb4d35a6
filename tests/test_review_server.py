"""The review server's API and its guards (Host, Origin, content type), without a browser."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from tests.reviewdata import DOC_ID, make_stored_doc
from toolkit.review.server import make_server


@pytest.fixture
def served(tiny_engine, tmp_path: Path) -> Iterator[tuple[Path, int]]:
    path = make_stored_doc(tiny_engine, tmp_path / "aligned")
    server = make_server(path, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield path, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def request(port: int, method: str, url: str, body: object = None, **headers: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    base = {"Host": f"127.0.0.1:{port}"}
    if data is not None:
        base |= {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/json"}
    base |= {k.replace("_", "-"): v for k, v in headers.items()}
    conn.request(method, url, body=data, headers=base)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response, payload


def test_page_and_document_api(served):
    path, port = served
    response, page = request(port, "GET", "/")
    assert response.status == 200
    csp = response.getheader("Content-Security-Policy")
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert b'<script src="/static/app.js"' in page
    response, body = request(port, "GET", "/api/doc")
    doc = json.loads(body)
    frame = pl.read_parquet(path)
    assert doc["doc_id"] == DOC_ID and doc["test_model"] is True
    assert doc["targets"] == ["km", "vi"] and len(doc["rows"]) == frame.height
    assert any(t["term_id"] == "moj" and not t["found"] for r in doc["rows"] for t in r["terms"])
    assert request(port, "GET", "/static/../server.py")[0].status == 404


def test_actions_are_saved_to_the_store(served):
    path, port = served
    mt = pl.read_parquet(path).filter((pl.col("seg_id") == 2) & (pl.col("tgt_lang") == "vi"))
    response, body = request(
        port,
        "POST",
        "/api/review",
        {"seg_id": 2, "tgt_lang": "vi", "action": "edit", "text": "Mới"},
    )
    assert response.status == 200, body
    assert json.loads(body)["row"]["review"] == "edited"
    request(port, "POST", "/api/review", {"seg_id": 0, "tgt_lang": "km", "action": "approve"})
    request(port, "POST", "/api/review", {"seg_id": 1, "tgt_lang": "km", "action": "reject"})
    frame = pl.read_parquet(path)
    got = {(r["seg_id"], r["tgt_lang"]): r for r in frame.to_dicts()}
    assert got[(2, "vi")]["tgt_text"] == "Mới" and got[(2, "vi")]["mt_text"] == mt["tgt_text"][0]
    assert got[(0, "km")]["review"] == "approved" and got[(1, "km")]["review"] == "rejected"
    response, body = request(
        port, "POST", "/api/review", {"seg_id": 99, "tgt_lang": "km", "action": "approve"}
    )
    assert response.status == 409 and b"not in document" in body
    response, _ = request(
        port, "POST", "/api/review", {"seg_id": 1, "tgt_lang": "km", "action": "drop table"}
    )
    assert response.status == 400
    stale = {"seg_id": 3, "tgt_lang": "km", "action": "approve", "src_text": "an older sentence"}
    response, body = request(port, "POST", "/api/review", stale)
    assert response.status == 409 and b"reload" in body
    assert pl.read_parquet(path).filter(pl.col("seg_id") == 3)["review"].to_list() == ["new"] * 2


def test_foreign_requests_are_refused(served):
    path, port = served
    before = path.read_bytes()
    approve = {"seg_id": 0, "tgt_lang": "km", "action": "approve"}
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1
    assert request(port, "GET", "/api/doc", Host="evil.example")[0].status == 421
    post = "POST", "/api/review", approve
    assert request(port, *post, Host=f"evil.example:{port}")[0].status == 421
    assert request(port, *post, Origin="http://evil.example")[0].status == 403
    assert request(port, "GET", "/api/doc", Origin="http://evil.example")[0].status == 403
    assert request(port, "POST", "/api/review", approve, Origin="null")[0].status == 403
    form = request(
        port,
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
        headers={"Host": f"127.0.0.1:{port}", "Content-Type": "application/json"},
    )
    assert conn.getresponse().status == 403  # a POST without Origin
    conn.close()
    assert path.read_bytes() == before


def test_server_binds_loopback_only(tiny_engine, tmp_path):
    path = make_stored_doc(tiny_engine, tmp_path / "aligned")
    server = make_server(path, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_cli_review_bad_document(mekong):
    result = mekong("review", "missing-doc", "--no-browser", "--port", "0")
    assert result.code == 5 and "no such stored document" in result.err
    assert len(result.err.strip().splitlines()) == 1
