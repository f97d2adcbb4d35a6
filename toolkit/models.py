"""Model registry and resolution: a name, hub id or local folder becomes something to load.

Translation never downloads implicitly: `mekong models pull` does, so an offline machine gets a
clear message instead of a hang.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import ModelError, UsageError

# The file that marks a model folder as a test model (random or toy weights): its output is
# labelled as not a translation wherever it appears. Written by the tiny/toy builders.
TEST_MODEL_MARKER = "mekong-test-model.json"

DEFAULT_MODEL = "facebook/nllb-200-distilled-600M"


def models_dir() -> Path:
    """Where models live: $MEKONG_MODELS, else ./models."""
    return Path(os.environ.get("MEKONG_MODELS", "models"))


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    hub_id: str | None
    family: str
    licence: str = ""
    note: str = ""
    default: bool = False


def registry() -> dict[str, RegistryEntry]:
    path = models_dir() / "registry.toml"
    entries: dict[str, RegistryEntry] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ModelError(f"{path}: not a valid registry ({exc})") from None
        for name, raw in data.items():
            if isinstance(raw, dict):
                entries[name] = RegistryEntry(
                    name=name,
                    hub_id=raw.get("hub_id"),
                    family=raw.get("family", "nllb"),
                    licence=raw.get("licence", ""),
                    note=raw.get("note", ""),
                    default=bool(raw.get("default", False)),
                )
    if not any(e.hub_id == DEFAULT_MODEL for e in entries.values()):
        name = DEFAULT_MODEL.split("/")[-1]
        entries[name] = RegistryEntry(name, DEFAULT_MODEL, "nllb", default=True)
    return entries


@dataclass(frozen=True)
class ResolvedModel:
    """A model reference made concrete: a local folder, or a hub id to look up in the HF cache."""

    requested: str
    local_path: Path | None
    hub_id: str | None

    @property
    def source(self) -> str:
        return str(self.local_path) if self.local_path else str(self.hub_id)

    @property
    def is_test_model(self) -> bool:
        return bool(self.local_path and (self.local_path / TEST_MODEL_MARKER).exists())


def resolve(model: str | None) -> ResolvedModel:
    """Resolve a model reference: an existing folder, a registry name, or a hub id (owner/name)."""
    requested = model or DEFAULT_MODEL
    path = Path(requested).expanduser()
    if path.exists():
        if not path.is_dir():
            raise UsageError(
                f"{{model}} {requested}: expected a model folder, got a file", options=["model"]
            )
        return ResolvedModel(requested, path, None)
    entries = registry()
    entry = entries.get(requested) or next(
        (e for e in entries.values() if e.hub_id == requested), None
    )
    if entry:
        local = models_dir() / entry.name
        if local.is_dir():
            return ResolvedModel(requested, local, None)
        if entry.hub_id is None:
            raise ModelError(
                f"model '{entry.name}' is not built yet: run `mekong models build-tiny {local}`"
            )
        return ResolvedModel(requested, None, entry.hub_id)
    if "/" in requested and not requested.startswith((".", "/", "~")) and requested.count("/") == 1:
        return ResolvedModel(requested, None, requested)
    raise UsageError(
        f"{{model}} {requested}: no such folder, and not a known model name "
        f"({', '.join(sorted(entries))}) or hub id (owner/name)",
        options=["model"],
    )


def offline_error(hub_id: str) -> ModelError:
    """The error for a hub model this machine does not have (translation never downloads)."""
    name = hub_id.split("/")[-1]
    return ModelError(
        f"model '{hub_id}' is not available on this machine (no network, not downloaded): "
        f"run `mekong models pull {name}` on a connected machine and copy models/{name} here, "
        "or pass {model} PATH to a local model folder "
        "(`mekong models build-tiny` makes a test model for trying the pipeline)",
        options=["model"],
    )


def vocabulary_glossaries(given: list[Path] | None = None) -> list[Path]:
    """The glossaries whose terms a built or converted model must cover: those given, else the
    project's glossaries/*.tsv (in the working folder)."""
    return list(given or ()) or sorted(Path("glossaries").glob("*.tsv"))


def pull_target(name: str, dest: Path | None = None) -> tuple[str, Path]:
    """(hub id, folder) a pull of `name` downloads: a registry name or a hub id (owner/name);
    the folder is `dest`, else models/NAME (the registry name, or the hub id's last part)."""
    entries = registry()
    entry = entries.get(name) or next((e for e in entries.values() if e.hub_id == name), None)
    hub_id = entry.hub_id if entry else (name if name.count("/") == 1 else None)
    if not hub_id:
        raise UsageError(f"unknown model '{name}': see `mekong models list`")
    return hub_id, dest or models_dir() / (entry.name if entry else hub_id.split("/")[-1])


# What a pull downloads: configuration, tokenizer and safetensors weights (no pickles).
PULL_PATTERNS = ("*.json", "*.model", "*.safetensors", "*.txt")


def pull(name: str, dest: Path | None = None) -> tuple[str, Path]:
    """Download `name` from the Hugging Face hub (the only place Mekong downloads a model).

    Returns (hub id, folder); no network is a ModelError that says what to do instead."""
    hub_id, target = pull_target(name, dest)
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ModelError(f"huggingface_hub is needed to pull models ({exc})") from None
    try:
        snapshot_download(hub_id, local_dir=str(target), allow_patterns=list(PULL_PATTERNS))
    except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as exc:
        raise ModelError(
            f"cannot download {hub_id} ({exc.__class__.__name__}): this machine has no access to "
            "the Hugging Face hub; pull on a connected machine and copy the folder here"
        ) from None
    return hub_id, target


def read_marker(path: Path) -> dict[str, object]:
    marker = path / TEST_MODEL_MARKER
    if not marker.exists():
        return {}
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"test_model": True}


@contextmanager
def staged_folder(target: Path, prefix: str) -> Iterator[Path]:
    """A temporary folder beside `target` that replaces it only when the block succeeds.

    A build or conversion that fails or is killed never leaves a half-written model folder.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    try:
        yield staging
        for item in staging.iterdir():
            if item.is_file():
                item.chmod(0o644)  # save_pretrained writes weights with mode 0600
        staging.chmod(0o755)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
