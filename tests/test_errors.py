"""Domain errors name options neutrally; the CLI, in one place, spells them as its flags.

A library caller reads `device cuda: ...` or `pass force=True`; the command line shows
`--device cuda: ...` and `pass --force`. New library code must not quote a CLI flag: the
static check below fails on any module outside toolkit/cli that does, except the ones still
listed as pending (each one a file another change owns; the list only shrinks).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.cli.app import flag_of
from toolkit.errors import MekongError, ModelError, UsageError, choices_error, no_cuda_error

ROOT = Path(__file__).resolve().parent.parent


def test_placeholders_read_as_parameters_in_the_library_and_as_flags_in_the_cli() -> None:
    error = UsageError(
        "{output} x: exists; pass {force} to replace it",
        options={"output": "out", "force": "force=True"},
    )
    assert str(error) == "out x: exists; pass force=True to replace it"
    assert error.phrase(flag_of) == "--output x: exists; pass --force to replace it"
    assert flag_of("no_glossary") == "--no-glossary"


def test_a_value_with_braces_is_left_alone() -> None:
    error = choices_error("format", "{device}", ("tsv",))
    assert str(error) == "format {device}: choose one of tsv"
    assert error.phrase(flag_of) == "--format {device}: choose one of tsv"


def test_no_cuda_is_a_model_error_with_the_device_option() -> None:
    error = no_cuda_error()
    assert isinstance(error, ModelError) and error.exit_code == 4
    assert str(error) == "device cuda: no CUDA device is available (use device cpu)"
    assert error.phrase(flag_of).startswith("--device cuda:")


def test_ct2_device_choice_is_neutral_in_the_library() -> None:
    pytest.importorskip("ctranslate2")
    from toolkit.engines.ctranslate2_engine import pick_ct2_device

    with pytest.raises(UsageError) as refused:
        pick_ct2_device("tpu")
    assert str(refused.value) == "device tpu: choose one of auto, cpu, cuda"


def test_convert_quantization_is_neutral_in_the_library_and_a_flag_in_the_cli(
    mekong, workdir: Path
) -> None:
    from toolkit.engines.convert import convert_model
    from toolkit.models import resolve

    folder = workdir / "model"
    folder.mkdir()
    with pytest.raises(UsageError) as refused:
        convert_model(resolve(str(folder)), None, "int3")
    assert str(refused.value).startswith("quantization int3: choose one of")
    result = mekong("models", "convert", "model", "--quantization", "int3")
    assert result.code == 2
    assert result.err.startswith("error: --quantization int3: choose one of")


def test_a_missing_model_folder_names_the_model_option(mekong, workdir: Path) -> None:
    from toolkit.models import resolve

    with pytest.raises(UsageError, match=r"^model \./nowhere: no such folder"):
        resolve("./nowhere")
    result = mekong("segment", "-", "--lang", "en", "--format", "xml")
    assert result.code == 2 and result.err == "error: --format xml: choose one of text, jsonl\n"


def test_errors_keep_their_options_through_pickling() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(no_cuda_error()))
    assert isinstance(error, MekongError) and error.phrase(flag_of).startswith("--device")


# Library modules that still quote flags in their messages (none left: keep it so).
PENDING: set[str] = set()
# a string literal that quotes a long flag: "--device", f"... --force ...", '--src-mt'
FLAG_IN_STRING = re.compile(r"""(?:^|[\s(])[fr]?["'][^"'\n]*(?<![\w-])--[a-z][a-z0-9-]+""")


def test_no_library_message_quotes_a_cli_flag() -> None:
    quoting = set()
    for path in sorted((ROOT / "toolkit").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("toolkit/cli/"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0] if not line.lstrip().startswith(("#", '"""')) else ""
            if FLAG_IN_STRING.search(code) and "`mekong " not in code:
                quoting.add(rel)
    assert quoting - PENDING == set(), "library modules quoting CLI flags"
    assert PENDING - quoting == set(), "fixed: remove these from PENDING"


def test_converted_library_messages_read_neutral_and_show_flags_in_the_cli() -> None:
    from toolkit import languages, store
    from toolkit.store.formats import get_format

    with pytest.raises(UsageError) as script:
        languages.check_script("Hello there, this is English text.", "th", "x.txt", option="tgt")
    assert "check tgt th, or pass force_src" in str(script.value)
    assert "check --tgt th, or pass --force-src" in script.value.phrase(flag_of)
    with pytest.raises(UsageError) as fmt:
        get_format("csv")
    assert str(fmt.value).startswith("format csv: choose one of tsv")
    assert fmt.value.phrase(flag_of).startswith("--format csv: choose one of tsv")
    with pytest.raises(UsageError) as doc_id:
        store.check_doc_id("a/b")
    assert "--" not in str(doc_id.value) and doc_id.value.phrase(flag_of).startswith("--doc-id")
