"""CometKiwi (reference-free neural quality estimation), an optional extra.

Needs `unbabel-comet` installed and the model on local disk (a folder holding
`checkpoints/model.ckpt`, or the .ckpt file itself). Mekong never downloads it: anything missing
is a ModelError that says what to do. The model's encoder files must also be in the local
Hugging Face cache, as loading runs with HF_HUB_OFFLINE=1.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ModelError
from toolkit.quality.common import Part, ramp

LOW_KIWI = 0.6  # below: "kiwi_low" (review)
FULL_KIWI = 0.8


def _checkpoint(model: str | Path) -> Path:
    path = Path(model)
    if path.is_dir():
        path = path / "checkpoints" / "model.ckpt"
    if not path.is_file():
        raise ModelError(
            f"{model}: no local CometKiwi checkpoint (expected a .ckpt file or a folder with "
            "checkpoints/model.ckpt); Mekong does not download models"
        )
    return path


@dataclass
class KiwiScorer:
    model: Any

    def score(self, srcs: Sequence[str], tgts: Sequence[str], batch_size: int = 16) -> list[float]:
        data = [{"src": s, "mt": t} for s, t in zip(srcs, tgts, strict=True)]
        output = self.model.predict(data, batch_size=batch_size, gpus=0, progress_bar=False)
        return [float(x) for x in output.scores]


def load_kiwi(model: str | Path) -> KiwiScorer:
    """Load a local CometKiwi checkpoint, or raise a ModelError saying what is missing."""
    try:
        comet = importlib.import_module("comet")
    except ImportError:
        raise ModelError(
            "CometKiwi needs the optional package unbabel-comet (pip install unbabel-comet) "
            "and a local model folder"
        ) from None
    ckpt = _checkpoint(model)
    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        return KiwiScorer(comet.load_from_checkpoint(str(ckpt)))
    except Exception as exc:  # comet/lightning raise many types for unusable checkpoints
        raise ModelError(
            f"{ckpt}: cannot load CometKiwi ({exc.__class__.__name__}: {exc})"
        ) from None
    finally:
        if previous is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = previous


def check(kiwi: float | None) -> Part:
    if kiwi is None:
        return Part({"kiwi": None})
    flags = ["kiwi_low"] if kiwi < LOW_KIWI else []
    return Part({"kiwi": kiwi}, ramp(kiwi, FULL_KIWI), flags)
