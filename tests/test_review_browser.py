"""End to end in a real headless Chromium: the page shows, escapes, filters, approves and edits.

Runs Debian's chromium through Playwright. Skipped only when chromium or Playwright is absent
outside CI; in CI (CI set) a missing browser is a failure, so the test cannot silently vanish.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from tests.reviewdata import MISSING_FORM, make_stored_doc
from toolkit.review.server import make_server, url_of
from toolkit.store.exports import export_frame

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return "chromium is not installed (scripts/setup.sh installs it as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture
def page_url(tiny_engine, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {missing}")
        pytest.skip(missing)
    path = make_stored_doc(tiny_engine, tmp_path / "aligned")
    server = make_server(path, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield path, url_of(server)
    finally:
        server.shutdown()
        server.server_close()


def _row(path: Path, seg_id: int, tgt: str) -> dict:
    frame = pl.read_parquet(path)
    return frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()[0]


def test_review_page_in_headless_chromium(page_url):
    from playwright.sync_api import sync_playwright

    path, url = page_url
    old = _row(path, 1, "km")
    dialogs: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_selector("body[data-ready='1']", timeout=15000)
            assert "token" not in page.url  # dropped from the address once the cookie is set
            page.reload()  # the cookie alone lets the page back in
            page.wait_for_selector("body[data-ready='1']", timeout=15000)
            assert page.is_visible("#test-banner")  # test-model rows are announced
            assert page.locator("section.pair").count() == pl.read_parquet(path).height

            # document text is shown as text: the <script> in the sample never runs
            src = page.locator("section[data-tgt='km'] .src .text").filter(has_text="alert(")
            assert '<script>alert("x")</script> & "quotes"' in src.text_content()
            assert page.locator("section.pair script").count() == 0

            # glossary terms: highlighted in the source, missing one marked with its form
            seg1 = page.locator("section[data-seg='1'][data-tgt='km']")
            assert seg1.locator(".src mark.term.missing").text_content() == "Ministry of Justice"
            assert seg1.locator(".src mark.term:not(.missing)").text_content() == "Vientiane"
            assert seg1.locator(".tgt mark.term").count() >= 1
            assert MISSING_FORM in seg1.locator(".missing-note").text_content()

            # one language pair, then back to all targets
            page.select_option("#f-target", "vi")
            assert page.locator("section.pair[data-tgt='km']").count() == 0
            page.select_option("#f-target", "")

            # approve segment 0 (km)
            page.click("section[data-seg='0'][data-tgt='km'] button.act-approve")
            page.wait_for_selector("section[data-seg='0'][data-tgt='km'][data-review='approved']")

            # edit segment 1 (km) with the missing term, save
            seg1.locator("button.act-edit").click()
            seg1.locator("textarea.editor").fill(f"{MISSING_FORM} សូមស្វាគមន៍ <b>ok</b>")
            seg1.locator("button.act-save").click()
            page.wait_for_selector("section[data-seg='1'][data-tgt='km'][data-review='edited']")
            notes = page.locator("section[data-seg='1'][data-tgt='km'] .missing-note")
            assert MISSING_FORM not in " ".join(notes.all_text_contents())  # term now found

            page.select_option("#f-review", "approved")
            assert page.locator("section.pair").count() == 1
            page.select_option("#f-review", "")
            page.select_option("#f-sort", "score")
            scores = [float(s.split()[1]) for s in page.locator(".badge.score").all_text_contents()]
            assert scores == sorted(scores)
            stranger = browser.new_context().new_page()  # another user: no token, no cookie
            bare = url.split("?", 1)[0]
            assert stranger.goto(bare).status == 403
            assert stranger.goto(bare + "api/doc").status == 403
        finally:
            browser.close()
    assert dialogs == [] and errors == []

    assert _row(path, 0, "km")["review"] == "approved"
    edited = _row(path, 1, "km")
    assert edited["tgt_text"] == f"{MISSING_FORM} សូមស្វាគមន៍ <b>ok</b>"
    assert edited["review"] == "edited" and edited["mt_text"] == old["tgt_text"]
    tmx = export_frame(pl.read_parquet(path), "tmx").decode("utf-8")
    assert f"{MISSING_FORM} សូមស្វាគមន៍ &lt;b&gt;ok&lt;/b&gt;" in tmx  # in the next export
