"""Mixed-language documents: each paragraph is split and translated from its own language."""

import polars as pl

from toolkit import documents
from toolkit.segment import paragraph_language, segment
from toolkit.translate import TranslateOptions, translate_document

MIXED = (
    "The minister opened the meeting. She thanked the delegates.\n\n"
    "ក្រសួងយុត្តិធម៌សូមស្វាគមន៍។ យើងត្រូវការពារកុមារ។\n\n"
    "Thank you!\n"
)


def test_paragraph_language_by_script():
    assert paragraph_language("ក្រសួងយុត្តិធម៌នៃព្រះរាជាណាចក្រកម្ពុជា (Ministry of Justice)", "en") == "km"
    assert paragraph_language("Ministry of Justice (ក្រសួង)", "en") == "en"
    assert paragraph_language("Bộ Tư pháp", "en") == "en"  # same script: stays the document's
    assert paragraph_language("OK", "th") == "th"


def test_khmer_paragraph_in_english_document_is_split_as_khmer():
    segs = segment(documents.from_text(MIXED), "en")
    assert [(s.lang, s.text) for s in segs] == [
        ("en", "The minister opened the meeting."),
        ("en", "She thanked the delegates."),
        ("km", "ក្រសួងយុត្តិធម៌សូមស្វាគមន៍។"),
        ("km", "យើងត្រូវការពារកុមារ។"),
        ("en", "Thank you!"),
    ]


def test_paragraph_in_target_language_is_kept_and_flagged(fake_engine, tmp_path):
    options = TranslateOptions("en", ["km", "th"], "mixed", tmp_path, use_tm=False)
    result = translate_document(documents.from_text(MIXED), options, fake_engine)
    frame = pl.read_parquet(result.path).with_columns(flags=pl.col("signals").struct.field("flags"))
    km = frame.filter((pl.col("tgt_lang") == "km") & pl.col("seg_id").is_in([2, 3])).sort("seg_id")
    assert km["tgt_text"].to_list() == km["src_text"].to_list()
    assert all("kept_as_written" in f and "copy" not in f for f in km["flags"].to_list())
    assert set(km["status"]) == {"review"}
    th = frame.filter((pl.col("tgt_lang") == "th") & pl.col("seg_id").is_in([2, 3]))
    assert all("source_km" in f for f in th["flags"].to_list())
    assert th["tgt_text"].to_list() != th["src_text"].to_list()
    english = frame.filter(pl.col("seg_id") == 0)
    assert not any("source_km" in f or "kept_as_written" in f for f in english["flags"].to_list())
