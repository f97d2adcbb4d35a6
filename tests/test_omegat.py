"""A real OmegaT (console mode) given Mekong's TMX export as the memory of an en->km project.

Why: OmegaT, given the older one-`tu`-per-target TMX, filled most segments with Vietnamese. The
default (multi-language) export must give each segment its Khmer text whatever spelling of the
target language the project uses; a segment without Khmer gets another language's text from
the default export (OmegaT's fallback, which `mekong export` warns about) and stays
untranslated with `--tgt km`. OmegaT is Java and heavy, so set-up does not install it: these
tests skip without `omegat` on PATH (`apt-get install omegat`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import polars as pl
import pytest

from toolkit import documents, store
from toolkit.translate import TranslateOptions, translate_document

OMEGAT = shutil.which("omegat")
pytestmark = pytest.mark.skipif(
    OMEGAT is None, reason="OmegaT not installed (apt-get install omegat)"
)

DOC_ID = "omegat-speech"
# two paragraphs, five sentences: OmegaT's default rules and Mekong's split them alike
SOURCE = (
    "Thank you for coming. We welcome all delegates.\n\n"
    "The new law was adopted in 2024. Our partners support this work. The workshop is open.\n"
)
TARGETS = {
    "km": [
        "សូមអរគុណដែលបានមក។",
        "យើងសូមស្វាគមន៍គណៈប្រតិភូទាំងអស់។",
        "",  # no Khmer for this segment
        "ដៃគូរបស់យើងគាំទ្រការងារនេះ។",
        "សិក្ខាសាលាត្រូវបានបើកហើយ។",
    ],
    "lo": [
        "ຂອບໃຈທີ່ມາ.",
        "ພວກເຮົາຍິນດີຕ້ອນຮັບຄະນະຜູ້ແທນທັງໝົດ.",
        "ກົດໝາຍໃໝ່ໄດ້ຮັບການຮັບຮອງໃນປີ 2024.",
        "ຄູ່ຮ່ວມງານຂອງພວກເຮົາສະໜັບສະໜູນວຽກນີ້.",
        "ກອງປະຊຸມໄດ້ເປີດແລ້ວ.",
    ],
    "th": [
        "ขอบคุณที่มา",
        "เรายินดีต้อนรับผู้แทนทุกท่าน",
        "กฎหมายใหม่ได้รับการรับรองในปี 2024",
        "พันธมิตรของเราสนับสนุนงานนี้",
        "การประชุมเชิงปฏิบัติการเปิดแล้ว",
    ],
    "vi": [
        "Cảm ơn quý vị đã đến.",
        "Chúng tôi chào mừng tất cả các đại biểu.",
        "Luật mới được thông qua năm 2024.",
        "Các đối tác của chúng tôi hỗ trợ công việc này.",
        "Hội thảo đã khai mạc.",
    ],
}
NO_KM = 2
PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{source}</source_lang>
    <target_lang>{target}</target_lang>
    <source_tok>org.omegat.tokenizer.DefaultTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.DefaultTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


@pytest.fixture(scope="module")
def stored_frame(tiny_engine, tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """SOURCE through the real pipeline into km, lo, th, vi, with known target texts."""
    out_dir = tmp_path_factory.mktemp("aligned")
    options = TranslateOptions(src="en", tgts=list(TARGETS), doc_id=DOC_ID, out_dir=out_dir)
    frame = translate_document(documents.from_text(SOURCE), options, tiny_engine, write=False).frame
    rows = frame.select("seg_id", "tgt_lang").to_dicts()
    assert len(rows) == 5 * len(TARGETS)
    texts = [TARGETS[r["tgt_lang"]][r["seg_id"]] for r in rows]
    return frame.with_columns(pl.Series("tgt_text", texts, dtype=pl.String))


@pytest.fixture
def stored(stored_frame: pl.DataFrame, workdir: Path) -> pl.DataFrame:
    store.write_frame(stored_frame, store.doc_path(workdir / "aligned", DOC_ID))
    return stored_frame


def _project(root: Path, source: str, target: str, text: str) -> Path:
    """A minimal OmegaT project folder with one plain-text source file."""
    for folder in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (root / folder).mkdir(parents=True)
    project = PROJECT.format(source=source, target=target)
    (root / "omegat.project").write_text(project, encoding="utf-8")
    (root / "source" / "speech.txt").write_text(text, encoding="utf-8")
    return root


def _omegat(project: Path, *args: str) -> None:
    command = [
        str(OMEGAT),
        *args,
        "--disable-project-locking",
        "--no-team",
        f"--config-dir={project.parent / 'omegat-config'}",
        str(project),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def _translate(mekong, workdir: Path, target: str, *export_args: str) -> tuple[str, str]:
    """Export the TMX into a fresh OmegaT project's tm/auto and translate: (target file, the
    export's stderr)."""
    project = _project(workdir / f"project-{target}", "EN-US", target, SOURCE)
    tmx = project / "tm" / "auto" / "mekong.tmx"
    result = mekong("export", DOC_ID, "--format", "tmx", *export_args, "-o", str(tmx))
    assert result.code == 0, result.err
    _omegat(project, "--mode=console-translate")
    return (project / "target" / "speech.txt").read_text(encoding="utf-8"), result.err


def _expected(frame: pl.DataFrame, fill: dict[int, str]) -> str:
    """SOURCE with each stored Khmer segment in place, `fill` for those without Khmer."""
    text = SOURCE
    for row in frame.filter(pl.col("tgt_lang") == "km").sort("seg_id").to_dicts():
        assert row["src_text"] in text  # Mekong and OmegaT segment alike
        khmer = row["tgt_text"] or fill.get(row["seg_id"], row["src_text"])
        text = text.replace(row["src_text"], khmer, 1)
    return text


@pytest.mark.parametrize("target", ["km", "KM", "km-KH", "KM-KH"])
def test_default_tmx_fills_khmer(mekong, stored, workdir, target):
    out, err = _translate(mekong, workdir, target)
    # every segment with Khmer gets it; the one without gets another language's text from
    # OmegaT (Vietnamese, with km lo th vi in the unit), which the export's warning is about
    assert out == _expected(stored, {NO_KM: TARGETS["vi"][NO_KM]})
    assert "1 segment lacks km" in err and "--tgt" in err


@pytest.mark.parametrize("target", ["km", "KM-KH"])
def test_bilingual_tmx_leaves_the_gap_untranslated(mekong, stored, workdir, target):
    out, err = _translate(mekong, workdir, target, "--tgt", "km")
    assert out == _expected(stored, {})
    assert TARGETS["vi"][NO_KM] not in out and "warning" not in err


# Abbreviations, initials, lower-case continuations and script-specific sentence marks; the
# segments Mekong makes of these, OmegaT must make with `mekong srx` as its rules.
SEGMENTATION = {
    "en": (
        "EN-US",
        "H.E. Mr. Sok Chenda opened the meeting at 9 a.m. and thanked the U.N. team. Dr. Vong "
        "spoke next. The vote was 12 vs. 3, i.e. a clear majority. Prices rose in the U.S. Then "
        "the session ended! Was it useful? Yes. The speaker, Prof. Lee, left at 5 p.m. We thank "
        "you.\n",
    ),
    "vi": (
        "VI",
        "Thưa ông Nguyễn Văn A, TS. Trần Văn B đã phát biểu tại Hà Nội. Chúng tôi cảm ơn các "
        "đại biểu, các bộ, ngành v.v. Hội nghị kết thúc lúc 5 giờ! Có ai hỏi gì không? "
        "Xin cảm ơn.\n",
    ),
    "km": (
        "KM",
        "យើងសូមស្វាគមន៍គណៈប្រតិភូ។ ក្រសួងយុត្តិធម៌ ក្រសួងការបរទេស ។ល។ បានចូលរួម។ សូមអរគុណ៕\n",
    ),
    "lo": (
        "LO",
        "ທ່ານ ປອ. ສົມສະຫວາດ ໄດ້ກ່າວຄຳປາໄສ. ພວກເຮົາຂໍຂອບໃຈບັນດາຜູ້ແທນທຸກທ່ານທີ່ມາຮ່ວມ. "
        "ສ.ປ.ປ. ລາວ ໄດ້ສົ່ງຄະນະຜູ້ແທນມາ. ກອງປະຊຸມໄດ້ສິ້ນສຸດລົງແລ້ວ!\n",
    ),
}
SRX = "{http://www.lisa.org/srx20}"


def _segmentation_conf(srx: Path) -> str:
    """Mekong's SRX as OmegaT 3.6's project rules (omegat/segmentation.conf, the
    java.beans.XMLEncoder form it reads: 3.6 imports no .srx file)."""
    root = ET.parse(srx).getroot()
    patterns = {
        m.get("languagerulename"): m.get("languagepattern") for m in root.iter(f"{SRX}languagemap")
    }
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<java class="java.beans.XMLDecoder">']
    out += ['<object class="org.omegat.core.segmentation.SRX">', '<void property="mappingRules">']
    for languagerule in root.iter(f"{SRX}languagerule"):
        name = languagerule.get("languagerulename")
        out += ['<void method="add">', '<object class="org.omegat.core.segmentation.MapRule">']
        out.append(f'<void property="language"><string>{escape(name)}</string></void>')
        out.append(f'<void property="pattern"><string>{escape(patterns[name])}</string></void>')
        out += ['<void property="rules">', '<object class="java.util.ArrayList">']
        for rule in languagerule.findall(f"{SRX}rule"):
            out += ['<void method="add">', '<object class="org.omegat.core.segmentation.Rule">']
            for part in ("beforebreak", "afterbreak"):
                if rule.findtext(f"{SRX}{part}"):
                    text = escape(rule.findtext(f"{SRX}{part}"))
                    out.append(f'<void property="{part}"><string>{text}</string></void>')
            brk = "true" if rule.get("break") == "yes" else "false"
            out.append(f'<void property="breakRule"><boolean>{brk}</boolean></void>')
            out += ["</object>", "</void>"]
        out += ["</object>", "</void>", "</object>", "</void>"]
    out += ["</void>", '<void property="version"><string>0.2.2</string></void>', "</object>"]
    return "\n".join([*out, "</java>"])


def _omegat_segments(project: Path) -> list[str]:
    """The source segments OmegaT made of the project's files (from a pseudo-translated TMX)."""
    tmx = project / "pseudo.tmx"
    _omegat(
        project,
        "--mode=console-createpseudotranslatetmx",
        f"--pseudotranslatetmx={tmx}",
        "--pseudotranslatetype=equal",
    )
    return sorted(tu.find("tuv").findtext("seg") for tu in ET.parse(tmx).getroot().iter("tu"))


@pytest.mark.parametrize("lang", list(SEGMENTATION))
def test_omegat_segments_like_mekong_with_its_srx(mekong, workdir, lang):
    code, text = SEGMENTATION[lang]
    (workdir / "speech.txt").write_text(text, encoding="utf-8")
    ours = mekong("segment", "speech.txt", "--lang", lang)
    assert ours.code == 0, ours.err
    assert mekong("srx", "-o", "rules.srx").code == 0
    project = _project(workdir / "project", code, "EN-US" if lang != "en" else "KM", text)
    conf = _segmentation_conf(workdir / "rules.srx")
    (project / "omegat" / "segmentation.conf").write_text(conf, encoding="utf-8")
    assert _omegat_segments(project) == sorted(ours.out.splitlines())
    if lang == "en":  # OmegaT's own rules split this text elsewhere: the rules did the work
        (project / "omegat" / "segmentation.conf").unlink()
        assert _omegat_segments(project) != sorted(ours.out.splitlines())
