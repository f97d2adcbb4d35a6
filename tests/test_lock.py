import subprocess
import sys
import textwrap

import pytest

from toolkit.errors import StoreError
from toolkit.files import exclusive


def test_second_writer_gets_a_clear_error(tmp_path):
    target = tmp_path / "doc.parquet"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from toolkit.files import exclusive
                with exclusive(__import__('pathlib').Path({str(target)!r})):
                    print('locked', flush=True)
                    sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="another mekong process"), exclusive(target):
            pass
    finally:
        holder.communicate("\n", timeout=10)
    with exclusive(target):  # released when the holder exits
        pass


def test_lock_released_when_holder_is_killed(tmp_path):
    target = tmp_path / "g.tsv"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time, pathlib\n"
            "from toolkit.files import exclusive\n"
            f"with exclusive(pathlib.Path({str(target)!r})):\n"
            "    print('locked', flush=True); time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=10)
    with exclusive(target):
        pass


def test_missing_store_folder_is_created(tmp_path):
    # a fresh clone has no aligned/ folder: the lock must not fail on it
    target = tmp_path / "fresh" / "aligned" / "doc.parquet"
    with exclusive(target):
        assert target.parent.is_dir()


def test_folder_that_cannot_be_created_is_one_clear_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    where = blocker / "aligned" / "doc.parquet"
    with pytest.raises(StoreError, match=r"file\.txt/aligned: cannot create"), exclusive(where):
        pass


def test_translate_into_a_missing_store_folder(tmp_path):
    """What bench/translate_speed.py's 'everything but decoding' part does on a fresh clone."""
    from toolkit import documents
    from toolkit.engines.base import EngineInfo, Hypothesis
    from toolkit.translate import TranslateOptions, translate_document

    class Echo:
        info = EngineInfo("echo", "test", True)

        def translate(self, texts, src, tgt, constraints=None, progress=None):  # noqa: ANN001, ANN201
            return [Hypothesis(t.upper(), -1.0, 3) for t in texts]

    path = tmp_path / "speech.txt"
    path.write_text("Good morning. Thank you.", encoding="utf-8")
    out = tmp_path / "new" / "aligned"
    options = TranslateOptions(src="en", tgts=["vi"], doc_id="d", out_dir=out, adequacy=False)
    result = translate_document(documents.read(path), options, Echo())  # type: ignore[arg-type]
    assert result.path is not None and result.path.is_file()
    assert result.path.parent == out
