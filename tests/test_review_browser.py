"""End to end in a real headless Chromium: the page shows, escapes, filters, approves and edits.

Drives Debian's chromium over the DevTools pipe (tests/reviewcdp.py; no Playwright) at a desktop
size; tests/test_review_phone.py does the phone width. Skipped only when chromium is absent
outside CI; in CI (CI set) a missing browser is a failure, so the test cannot silently vanish.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from tests import reviewcdp
from tests.reviewdata import MISSING_FORM, make_stored_doc
from toolkit.review.server import make_server, url_of
from toolkit.store.exports import export_frame

READY = "document.body && document.body.dataset.ready === '1'"


@pytest.fixture
def page_url(tiny_engine, tmp_path: Path) -> Iterator[tuple[Path, str, reviewcdp.Browser]]:
    missing = reviewcdp.missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {missing}")
        pytest.skip(missing)
    path = make_stored_doc(tiny_engine, tmp_path / "aligned")
    server = make_server(path, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = reviewcdp.Browser(1280, 900, mobile=False)
    try:
        yield path, url_of(server), browser
    finally:
        browser.close()
        server.shutdown()
        server.server_close()


def _row(path: Path, seg_id: int, tgt: str) -> dict:
    frame = pl.read_parquet(path)
    return frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()[0]


def _status(page: reviewcdp.Browser, url: str) -> int:
    """The HTTP status the server gives a request from this browser without any cookie (and
    without the token): what another user on the network gets."""
    return page.evaluate(f"fetch({json.dumps(url)}, {{credentials: 'omit'}}).then((r) => r.status)")


def test_review_page_in_headless_chromium(page_url):
    path, url, page = page_url
    old = _row(path, 1, "km")
    page.load(url)
    page.wait_for(READY)
    assert "token" not in page.evaluate("location.href")  # dropped once the cookie is set
    page.load()  # the cookie alone lets the page back in
    page.wait_for(READY)
    assert page.visible("#test-banner")  # test-model rows are announced
    assert page.count("section.pair") == pl.read_parquet(path).height

    # document text is shown as text: the <script> in the sample never runs
    sources = page.texts("section[data-tgt='km'] .src .text")
    assert any('<script>alert("x")</script> & "quotes"' in text for text in sources)
    assert page.count("section.pair script") == 0

    # glossary terms: highlighted in the source, missing one marked with its form
    seg1 = "section[data-seg='1'][data-tgt='km']"
    assert page.texts(f"{seg1} .src mark.term.missing") == ["Ministry of Justice"]
    assert page.texts(f"{seg1} .src mark.term:not(.missing)") == ["Vientiane"]
    assert page.count(f"{seg1} .tgt mark.term") >= 1
    assert MISSING_FORM in " ".join(page.texts(f"{seg1} .missing-note"))

    # one language pair, then back to all targets
    page.select("#f-target", "vi")
    assert page.count("section.pair[data-tgt='km']") == 0
    assert page.count("section.pair[data-tgt='vi']") > 0
    page.select("#f-target", "")

    # approve segment 0 (km)
    seg0 = "section[data-seg='0'][data-tgt='km']"
    page.click(f"{seg0} button.act-approve")
    page.wait_for(f"document.querySelector(\"{seg0}[data-review='approved']\")")

    # edit segment 1 (km) with the missing term, save
    page.click(f"{seg1} button.act-edit")
    page.wait_for(f'document.querySelector("{seg1} textarea.editor")')
    page.fill(f"{seg1} textarea.editor", f"{MISSING_FORM} សូមស្វាគមន៍ <b>ok</b>")
    page.click(f"{seg1} button.act-save")
    page.wait_for(f"document.querySelector(\"{seg1}[data-review='edited']\")")
    notes = " ".join(page.texts(f"{seg1} .missing-note"))
    assert MISSING_FORM not in notes  # the term is now found

    page.select("#f-review", "approved")
    assert page.count("section.pair") == 1
    page.select("#f-review", "")
    page.select("#f-sort", "score")
    scores = [float(s.split()[1]) for s in page.texts(".badge.score")]
    assert len(scores) == pl.read_parquet(path).height and scores == sorted(scores)
    bare = url.split("?", 1)[0]
    assert _status(page, bare) == 403
    assert _status(page, bare + "api/doc") == 403
    assert page.evaluate(f"fetch({json.dumps(bare + 'api/doc')}).then((r) => r.status)") == 200
    errors = [e for e in page.events if e.get("method") == "Runtime.exceptionThrown"]
    assert page.dialogs == [] and errors == []

    assert _row(path, 0, "km")["review"] == "approved"
    edited = _row(path, 1, "km")
    assert edited["tgt_text"] == f"{MISSING_FORM} សូមស្វាគមន៍ <b>ok</b>"
    assert edited["review"] == "edited" and edited["mt_text"] == old["tgt_text"]
    tmx = export_frame(pl.read_parquet(path), "tmx").decode("utf-8")
    assert f"{MISSING_FORM} សូមស្វាគមន៍ &lt;b&gt;ok&lt;/b&gt;" in tmx  # in the next export
