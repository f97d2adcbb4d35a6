"""Translation backends, loaded lazily by name so importing toolkit stays light."""

from __future__ import annotations

from toolkit.engines.base import Engine, EngineInfo, Hypothesis, TermConstraint
from toolkit.errors import UsageError

ENGINES = ("transformers", "ctranslate2")


def load_engine(name: str, model: str | None, **options: object) -> Engine:
    """Create the engine `name` for `model` (registry name, hub id or folder)."""
    from toolkit.models import resolve

    resolved = resolve(model)
    if name == "transformers":
        from toolkit.engines.transformers_engine import TransformersEngine

        return TransformersEngine(resolved, **options)  # type: ignore[arg-type]
    if name == "ctranslate2":
        # imports ctranslate2 itself, with a clear error when it is missing
        from toolkit.engines.ctranslate2_engine import CTranslate2Engine

        return CTranslate2Engine(resolved, **options)  # type: ignore[arg-type]
    raise UsageError(f"unknown engine '{name}': choose one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "Engine", "EngineInfo", "Hypothesis", "TermConstraint", "load_engine"]
