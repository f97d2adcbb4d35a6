"""A fast, deterministic stand-in for a translation engine, and the fixtures that use it.

Store, re-run, translation-memory, carry and import-review behaviour does not depend on what
a model writes, only on the pipeline around it; driving those tests with the random tiny model
cost minutes of the suite. `FakeEngine` answers instantly, is marked as a test engine (its rows
say `test_model`, as the tiny model's do) and honours glossary constraints by inserting the
preferred target form, so term checks see every term found. One smoke test per real engine
still runs on the tiny model (tests/test_models.py, tests/test_ctranslate2.py).

`python -m tests.fakes translate ...` runs the real CLI with the fake engine in a subprocess
(for the kill-during-a-run test); MEKONG_FAKE_DELAY (seconds per segment) slows it down.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence

import pytest

from toolkit.engines.base import EngineInfo, Hypothesis, TermConstraint

FAKE_MODEL = "fake-engine"


class FakeEngine:
    """'Translates' by tagging the source with the target code; inserts each missing term."""

    def __init__(self, delay: float = 0.0) -> None:
        self.info = EngineInfo("fake", FAKE_MODEL, True)
        self.delay = delay  # seconds per segment: gives a subprocess test time to kill a run
        self.calls: list[tuple[str, str, int]] = []  # (src, tgt, number of texts) per call

    def translate(
        self,
        texts: Sequence[str],
        src: str,
        tgt: str,
        constraints: Sequence[Sequence[TermConstraint]] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[Hypothesis]:
        self.calls.append((src, tgt, len(texts)))
        out = []
        for i, text in enumerate(texts):
            if self.delay:
                time.sleep(self.delay)
            words = [f"[{tgt}]", text]
            for term in constraints[i] if constraints else ():
                if term.required and not any(form in text for form in term.required):
                    words.append(term.required[0])
            body = " ".join(words)
            out.append(Hypothesis(body, -0.5, len(body.split())))
        if progress:
            progress(len(texts))
        return out


def install(monkeypatch: pytest.MonkeyPatch | None = None, delay: float = 0.0) -> FakeEngine:
    """Make `toolkit.engines.load_engine` (what the CLI calls) return one FakeEngine."""
    import toolkit.engines

    engine = FakeEngine(delay)

    def load(name: str, model: str | None, **options: object) -> FakeEngine:
        return engine

    if monkeypatch is None:
        toolkit.engines.load_engine = load  # type: ignore[assignment]
    else:
        monkeypatch.setattr(toolkit.engines, "load_engine", load)
    return engine


@pytest.fixture(scope="session")
def fake_engine() -> FakeEngine:
    """One per session (tests/reviewdata.py caches its stored document per engine)."""
    return FakeEngine()


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    """Every `mekong translate/align` in the test gets the fake engine, whatever --model says."""
    return install(monkeypatch)


def main() -> None:
    """The real CLI with the fake engine: `python -m tests.fakes translate ...`."""
    install(delay=float(os.environ.get("MEKONG_FAKE_DELAY", "0")))
    from toolkit.cli import main as cli_main

    cli_main(sys.argv[1:])


if __name__ == "__main__":
    main()
