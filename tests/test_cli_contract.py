"""The command line as a user meets it: the *installed* `mekong` in a subprocess.

Usage errors of every kind are one error line plus the `--help` hint and exit 2 (whichever
click the installed typer uses), `--version` works, `-` is stdin/stdout, files get the user's
umask, and every command spells the shared options the same way.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.reviewdata import DOC_ID, make_stored_doc

ROOT = Path(__file__).resolve().parent.parent


def _installed_mekong() -> str:
    beside = Path(sys.executable).with_name("mekong")
    found = str(beside) if beside.exists() else shutil.which("mekong")
    if found is None:
        pytest.fail("the `mekong` command is not installed (pip install -e .)")
    return found


MEKONG = _installed_mekong()


def run_mekong(
    *args: str | Path, cwd: Path, stdin: bytes = b"", umask: int = 0o022
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "MEKONG_MODELS": str(cwd / "models"), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [MEKONG, *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
        umask=umask,
    )


USAGE_ERRORS = {
    "no command": [],
    "no subcommand": ["glossary"],
    "unknown command": ["exprot"],
    "unknown subcommand": ["models", "pul"],
    "unknown option": ["export", "speech", "--outt", "x.tmx"],
    "missing argument": ["segment"],
    "missing option": ["segment", "speech.txt"],
    "bad option value": ["translate", "speech.txt", "--src", "en", "--tgt", "km", "--beam", "x"],
    "option out of range": ["review", "speech", "--port", "70000"],
    "unknown language": ["segment", "speech.txt", "--lang", "zz"],
    "stdin without a doc id": ["translate", "-", "--src", "en", "--tgt", "km"],
    "bad choice": ["segment", "speech.txt", "--lang", "en", "--format", "xml"],
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_errors_are_two_lines_and_exit_2(case: str, tmp_path: Path) -> None:
    (tmp_path / "speech.txt").write_text("Good morning.\n", encoding="utf-8")
    result = run_mekong(*USAGE_ERRORS[case], cwd=tmp_path)
    err = result.stderr.decode("utf-8")
    lines = err.strip().splitlines()
    assert result.returncode == 2, err
    assert "Traceback" not in err
    assert 1 <= len(lines) <= 2, err
    assert lines[0].startswith("error: ")
    assert result.stdout == b""


def test_usage_error_names_the_help_of_its_command(tmp_path: Path) -> None:
    err = run_mekong("export", "speech", "--out", "x.tmx", cwd=tmp_path).stderr.decode()
    assert "--out" in err
    assert "Try 'mekong export --help' for help." in err


def test_version(tmp_path: Path) -> None:
    result = run_mekong("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"mekong {version('mekong-toolkit')}"


def test_segment_reads_stdin(tmp_path: Path) -> None:
    text = b"The Minister arrived. She spoke to the press.\n"
    result = run_mekong("segment", "-", "--lang", "en", cwd=tmp_path, stdin=text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == [
        "The Minister arrived.",
        "She spoke to the press.",
    ]


def test_check_reads_one_input_from_stdin(tmp_path: Path) -> None:
    (tmp_path / "src.txt").write_text("Ten years.\n", encoding="utf-8")
    result = run_mekong(
        "check",
        "src.txt",
        "-",
        "--src",
        "en",
        "--tgt",
        "vi",
        cwd=tmp_path,
        stdin="Mười năm.\n".encode(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("1\t")


def test_glossary_export_to_stdout_and_import_from_stdin(tmp_path: Path) -> None:
    tsv = run_mekong("glossary", "export", "-f", "tsv", "-o", "-", cwd=tmp_path)
    assert tsv.returncode == 0, tsv.stderr
    rows = [line for line in tsv.stdout.splitlines() if line and not line.startswith(b"#")]
    assert rows[0].startswith(b"id\t")
    target = tmp_path / "copy.tsv"
    imported = run_mekong(
        "glossary", "import", "-", "-f", "tsv", "-g", target, cwd=tmp_path, stdin=tsv.stdout
    )
    assert imported.returncode == 0, imported.stderr
    copied = [line for line in target.read_bytes().splitlines() if line[:1] not in (b"", b"#")]
    assert len(copied) == len(rows)


@pytest.fixture
def stored(tmp_path: Path, fake_engine) -> Path:
    make_stored_doc(fake_engine, tmp_path / "aligned")
    return tmp_path


def test_export_to_stdout_with_dash(stored: Path) -> None:
    result = run_mekong("export", DOC_ID, "-f", "tmx", "-o", "-", cwd=stored)
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith(b"<?xml")
    assert not (stored / "-").exists()


def test_files_are_written_with_the_umask(stored: Path) -> None:
    result = run_mekong("export", DOC_ID, "-f", "tsv", "-o", "out.tsv", cwd=stored, umask=0o022)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((stored / "out.tsv").stat().st_mode) == 0o644
    shared = run_mekong("export", DOC_ID, "-f", "tsv", "-o", "g.tsv", cwd=stored, umask=0o002)
    assert shared.returncode == 0
    assert stat.S_IMODE((stored / "g.tsv").stat().st_mode) == 0o664


def test_atomic_write_keeps_the_mode_of_a_replaced_file(tmp_path: Path) -> None:
    from toolkit.files import atomic_write_bytes

    target = tmp_path / "kept.txt"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# --- one vocabulary of options -------------------------------------------------------------

# Canonical spelling of each shared option: its visible names, everywhere it appears.
CANONICAL = {
    "--store": {"--store"},
    "--output": {"--output", "-o"},
    "--format": {"--format", "-f"},
    "--glossary": {"--glossary", "-g"},
    "--src": {"--src"},
    "--tgt": {"--tgt"},
    "--encoding": {"--encoding"},
    "--doc-id": {"--doc-id"},
}
# Names that must not be visible any more: each meant one of the canonical options.
RETIRED = {"--out", "--store-dir", "--out-dir", "--output-file", "--enc"}


def _commands():
    import typer.main

    from toolkit.cli import app

    def walk(command, path):
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), command

    yield from walk(typer.main.get_command(app), ["mekong"])


def test_shared_options_are_spelled_the_same_everywhere() -> None:
    drift = []
    for path, command in _commands():
        for param in command.params:
            names = set(getattr(param, "opts", [])) | set(getattr(param, "secondary_opts", []))
            if getattr(param, "hidden", False) or getattr(param, "param_type_name", "") != "option":
                continue
            for canonical, expected in CANONICAL.items():
                if canonical in names and names != expected:
                    drift.append(f"{path}: {sorted(names)} (expected {sorted(expected)})")
            for retired in RETIRED & names:
                drift.append(f"{path}: visible retired name {retired}")
    assert not drift, "\n".join(drift)


def test_every_store_folder_option_is_called_store() -> None:
    seen = 0
    for path, command in _commands():
        for param in command.params:
            if param.name in ("store_dir", "store", "out_dir"):
                seen += 1
                assert param.opts == ["--store"], path
    assert seen >= 6


def test_out_is_still_accepted_as_the_old_name_of_store(tmp_path: Path) -> None:
    from toolkit.cli.options import pick

    assert pick(Path("aligned"), Path("old"), Path("aligned")) == Path("old")
    assert pick(Path("new"), None, Path("aligned")) == Path("new")
    help_text = run_mekong("translate", "--help", cwd=tmp_path).stdout.decode()
    assert "--store" in help_text and "--out" not in help_text


HEAVY = ("polars", "numpy", "torch", "transformers", "ctranslate2", "sacrebleu", "rich")


def test_help_imports_no_library() -> None:
    """The commands import the library inside their functions, so `--help` (and a usage
    error) stays fast: no polars, numpy or torch is loaded to list the commands."""
    code = (
        "import sys\n"
        "from toolkit.cli import run\n"
        "run(['--help'])\n"
        f"print('loaded:', *(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "Usage: mekong" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "loaded:"


def test_export_formats_in_the_cli_are_the_stores() -> None:
    from toolkit.cli.options import EXPORT_FORMATS
    from toolkit.store.formats import EXPORT_FORMATS as STORE_FORMATS

    assert EXPORT_FORMATS == STORE_FORMATS


def test_language_choices_in_the_cli_are_the_librarys() -> None:
    from toolkit import languages
    from toolkit.cli.options import Lang, names

    assert names(Lang) == languages.SUPPORTED


def test_a_bad_choice_is_one_line_naming_the_flag(tmp_path: Path) -> None:
    result = run_mekong("export-tm", "--format", "csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode() == "error: --format csv: choose one of tmx\n"
    help_text = run_mekong("translate", "--help", cwd=tmp_path).stdout.decode()
    assert "transformers|ctranslate2" in help_text and "auto|cpu|cuda" in help_text
