import polars as pl

from toolkit.store.carry import occurrence_keys, reviewed_rows


def test_occurrence_keys_distinguish_repeats():
    assert occurrence_keys(["Thank you!", "Hello", "Thank you!"]) == [
        ("Thank you!", 0),
        ("Hello", 0),
        ("Thank you!", 1),
    ]


def test_only_approved_and_edited_rows_are_kept():
    old = pl.DataFrame(
        {
            "seg_id": [0, 1, 2, 0, 1, 2],
            "tgt_lang": ["km"] * 3 + ["th"] * 3,
            "src_text": ["A.", "B.", "A."] * 2,
            "tgt_text": ["ក", "ខ", "គ", "ก", "ข", "ค"],
            "review": ["new", "approved", "edited", "rejected", "new", "approved"],
        }
    )
    kept = reviewed_rows(old)
    assert set(kept) == {("km", "B.", 0), ("km", "A.", 1), ("th", "A.", 1)}
    assert kept[("km", "A.", 1)]["tgt_text"] == "គ"
    assert reviewed_rows(None) == {}
