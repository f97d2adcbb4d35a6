"""The review page in headless Chromium at phone width (390 x 844, mobile viewport).

Drives Debian's chromium over the DevTools pipe (tests/reviewcdp.py; no Playwright). Checks that
the page has no horizontal scroll with long Khmer, Lao and Thai runs and URLs, that source and
target stack, that the keyboard shortcuts work without taking keys from the edit box, and that
a save over a newer change (an import) is refused with the newer text shown and the reviewer's
text kept. Skipped when chromium is absent (outside CI; in CI that is a failure).
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from tests import reviewcdp
from tests.reviewdata import make_stored_doc
from toolkit import store
from toolkit.review.changes import ReviewChange, update_store
from toolkit.review.server import make_server, url_of

WIDTH, HEIGHT = 390, 844
TEXTS = {  # written for this test: a title, a welcome, a long run without breaks, thanks
    "km": [
        "សុន្ទរកថាក្នុងពិធីបើកសិក្ខាសាលាថ្នាក់តំបន់",
        "ក្នុងនាមក្រសួងយុត្តិធម៌ ខ្ញុំសូមស្វាគមន៍ប្រតិភូទាំងអស់មកកាន់វៀងចន្ទន៍។",
        "រដ្ឋសភាបានអនុម័តច្បាប់ថ្មីនៅឆ្នាំ២០២៤។" * 8 + " https://example.org/" + "documents/" * 20,
        "យើងសូមអរគុណដៃគូរបស់យើងចំពោះការគាំទ្រ។",
    ],
    "lo": [
        "ຄຳປາໄສໃນພິທີເປີດກອງປະຊຸມສຳມະນາລະດັບພາກພື້ນ",
        "ໃນນາມກະຊວງຍຸຕິທຳ ຂໍຕ້ອນຮັບບັນດາຜູ້ແທນທຸກທ່ານສູ່ນະຄອນຫຼວງວຽງຈັນ.",
        "ສະພາແຫ່ງຊາດໄດ້ຮັບຮອງເອົາກົດໝາຍສະບັບໃໝ່ໃນປີ2024." * 8,
        "ພວກເຮົາຂໍຂອບໃຈບັນດາຄູ່ຮ່ວມງານທີ່ໃຫ້ການສະໜັບສະໜູນ.",
    ],
    "th": [
        "สุนทรพจน์ในพิธีเปิดการประชุมเชิงปฏิบัติการระดับภูมิภาค",
        "ในนามของกระทรวงยุติธรรม ขอต้อนรับผู้แทนทุกท่านสู่นครหลวงเวียงจันทน์",
        "สภาแห่งชาติได้ผ่านกฎหมายฉบับใหม่ในปี๒๕๖๗" * 8,
        "เราขอขอบคุณพันธมิตรทุกท่านสำหรับการสนับสนุน",
    ],
}
LONG_TERM = "National Committee for the Coordination of Regional Legal and Institutional Reform"
SCRIPTS = {"km": "Khmer", "lo": "Lao", "th": "Thai"}


def _phone_doc(engine, folder: Path) -> Path:
    """The sample stored with Khmer, Lao and Thai targets replaced by the texts above."""
    path = make_stored_doc(engine, folder, tgts=("km", "lo", "th"))
    frame = pl.read_parquet(path).sort(["seg_id", "tgt_lang"])
    keys = zip(frame["seg_id"], frame["tgt_lang"], strict=True)
    texts = [TEXTS[t][s % len(TEXTS[t])] for s, t in keys]
    terms = frame["terms"].to_list()
    long_term = {"term_id": "ncc", "src": LONG_TERM, "tgt": "x", "found": False, "level": None}
    terms[0] = [*(terms[0] or []), long_term]  # the term filter lists it by its long name
    frame = frame.with_columns(
        pl.Series("tgt_text", texts, dtype=pl.String),
        pl.Series("terms", terms, dtype=frame["terms"].dtype),
    )
    return store.write_frame(frame, path)


@pytest.fixture
def phone(fake_engine, tmp_path: Path) -> Iterator[tuple[Path, reviewcdp.Browser]]:
    missing = reviewcdp.missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {missing}")
        pytest.skip(missing)
    path = _phone_doc(fake_engine, tmp_path / "aligned")
    server = make_server(path, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = reviewcdp.Browser(WIDTH, HEIGHT)
    try:
        browser.goto(url_of(server))
        browser.wait_for("document.body && document.body.dataset.ready === '1'")
        yield path, browser
    finally:
        browser.close()
        server.shutdown()
        server.server_close()


def _row(path: Path, seg_id: int, tgt: str) -> dict:
    frame = pl.read_parquet(path)
    return frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()[0]


def _sel(seg_id: int, tgt: str) -> str:
    return f"section[data-seg='{seg_id}'][data-tgt='{tgt}']"


def test_no_horizontal_scroll_at_phone_width_and_columns_stack(phone, tmp_path):
    path, page = phone
    width = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " client: document.documentElement.clientWidth, inner: innerWidth})"
    )
    # a phone widens the layout to the content (then zooms out or scrolls): both must stay 390
    assert max(width.values()) == WIDTH, f"the page is {width} px wide on a {WIDTH} px screen"
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('body *')]"
        ".map((e) => e.getBoundingClientRect().right))"
    )
    assert widest <= WIDTH, widest  # nothing sticks out (a hidden overflow would not scroll)
    box = page.evaluate(
        '(() => { const s = document.querySelector("' + _sel(2, "km") + '");'
        " const a = s.querySelector('.src').getBoundingClientRect();"
        " const b = s.querySelector('.tgt').getBoundingClientRect();"
        " return {srcLeft: a.left, tgtLeft: b.left, srcBottom: a.bottom, tgtTop: b.top}; })()"
    )
    assert box["tgtLeft"] == box["srcLeft"] and box["tgtTop"] >= box["srcBottom"], box
    # the edit box fits on the screen too
    page.evaluate('document.querySelector("' + _sel(2, "km") + ' button.act-edit").click()')
    right = page.wait_for(
        "(() => { const t = document.querySelector('textarea.editor');"
        " return t && t.getBoundingClientRect().right; })()"
    )
    assert 0 < right <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # the font stack names the Noto fonts for each script
    for tgt, script in SCRIPTS.items():
        family = page.evaluate(
            f'getComputedStyle(document.querySelector("{_sel(1, tgt)} .tgt-text")).fontFamily'
        )
        assert f"Noto Sans {script}" in family, family
    page.evaluate('document.querySelector("' + _sel(1, "km") + '").scrollIntoView()')
    shot = page.screenshot(Path(os.environ.get("MEKONG_REVIEW_SHOT") or tmp_path / "phone.png"))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _installed(lang: str) -> list[str]:
    """Font families fontconfig offers for a language (empty without fc-list)."""
    try:
        out = subprocess.run(
            ["fc-list", f":lang={lang}", "family"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [f for line in out.splitlines() for f in line.split(",") if f.strip()]


def test_khmer_lao_and_thai_render_with_a_font_for_their_script(phone):
    """Where a font for the script is installed (scripts/setup.sh installs Noto), the page's
    text is drawn with it, not with a fallback that shows boxes."""
    path, page = phone
    page.call("DOM.enable")
    page.call("CSS.enable")
    root = page.call("DOM.getDocument")["root"]["nodeId"]
    checked = 0
    for tgt in SCRIPTS:
        families = {f.strip() for f in _installed(tgt)}
        if not families:
            continue  # no font for this script on this machine: nothing can draw it
        node = page.call(
            "DOM.querySelector", {"nodeId": root, "selector": f"{_sel(3, tgt)} .tgt-text"}
        )["nodeId"]
        fonts = page.call("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        used = {f["familyName"] for f in fonts}
        assert used & families, (tgt, used, families)  # drawn with a font that has the script
        checked += 1
    if not checked:
        pytest.skip("no Khmer, Lao or Thai font installed (run scripts/setup.sh as root)")


def test_keyboard_shortcuts_and_a_refused_stale_save(phone):
    path, page = phone
    current = "document.querySelector('section.current').dataset.key"
    assert page.evaluate(current) == "0:km"
    assert "Ctrl" in page.evaluate("document.getElementById('keys').textContent")
    page.key("j")
    assert page.evaluate(current) == "0:lo"
    page.key("k")
    page.key("j")
    page.key("a")  # approve 0:lo, then on to the next row
    page.wait_for(f"document.querySelector(\"{_sel(0, 'lo')}[data-review='approved']\")")
    assert _row(path, 0, "lo")["review"] == "approved"
    page.wait_for(f"{current} === '0:th'")

    page.key("e")  # edit 0:th; letters typed there are text, not shortcuts
    page.wait_for("document.activeElement.matches('textarea.editor')")
    page.evaluate("document.activeElement.select()")
    page.type_text("ข้อความใหม่ ")
    for letter in "jak":
        page.key(letter)
    value = "document.activeElement.value"
    assert page.evaluate(value) == "ข้อความใหม่ jak"
    assert page.evaluate(current) == "0:th" and _row(path, 0, "th")["review"] == "new"
    page.key("Enter", ctrl=True)  # save
    page.wait_for(f"document.querySelector(\"{_sel(0, 'th')}[data-review='edited']\")")
    assert _row(path, 0, "th")["tgt_text"] == "ข้อความใหม่ jak"

    page.key("j")
    page.key("e")  # 1:km, then someone imports a newer text for it behind the page's back
    page.wait_for("document.activeElement.matches('textarea.editor')")
    page.type_text(" ជួសជុល")
    mine = page.evaluate(value)
    update_store(path, [ReviewChange(1, "km", tgt_text="អត្ថបទពីការនាំចូល។")])
    page.key("Enter", ctrl=True)
    note = page.wait_for(
        f'(document.querySelector("{_sel(1, "km")} .conflict") || {{}}).textContent'
    )
    assert "changed elsewhere" in note and "អត្ថបទពីការនាំចូល។" in note
    assert page.evaluate(f'document.querySelector("{_sel(1, "km")} textarea").value') == mine
    assert _row(path, 1, "km")["tgt_text"] == "អត្ថបទពីការនាំចូល។"  # the import is kept
    page.evaluate(f'document.querySelector("{_sel(1, "km")} textarea").focus()')
    page.key("Enter", ctrl=True, shift=True)  # now knowingly: save & approve over it
    page.wait_for(f"document.querySelector(\"{_sel(1, 'km')}[data-review='approved']\")")
    assert _row(path, 1, "km")["tgt_text"] == mine

    page.key("e")
    page.wait_for("document.activeElement.matches('textarea.editor')")
    page.key("Escape")  # cancel
    page.wait_for("!document.querySelector('textarea.editor')")
    errors = [e for e in page.events if e.get("method") == "Runtime.exceptionThrown"]
    assert errors == []
