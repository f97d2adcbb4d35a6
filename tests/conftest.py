"""Shared fixtures: the tiny test model (built once per session), the fake engine
(tests/fakes.py) and an isolated CLI runner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

# One compute thread per library (torch, the e5 engine's OpenMP) unless the caller says
# otherwise: the suite runs on a few shared cores, where spinning OpenMP threads cost more than
# they give (the continuation-cell review test: 109 s -> 73 s of CPU under load). Set before
# any of them loads; subprocesses inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")

from tests.fakes import fake_cli, fake_engine  # noqa: F401  (fixtures)
from toolkit.cli import run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the random-weight test model once; its tokenizer covers the shipped glossaries."""
    from toolkit.engines.tiny import build_tiny

    out = tmp_path_factory.mktemp("models") / "tiny-nllb"
    return build_tiny(out, extra_files=sorted((ROOT / "glossaries").glob("*.tsv")))


@pytest.fixture(scope="session")
def tiny_engine(tiny_model: Path):
    from toolkit.engines import load_engine

    return load_engine("transformers", str(tiny_model), beam_size=2, device="cpu")


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each CLI test in an empty folder with its own models dir and no user state."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MEKONG_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    return tmp_path


@pytest.fixture
def mekong(workdir: Path, capsys: pytest.CaptureFixture[str]):
    """Call the CLI in-process: mekong("segment", "f.txt", "--lang", "en") -> CliResult."""

    def invoke(*args: str) -> CliResult:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke
