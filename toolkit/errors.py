"""Typed domain errors. The library raises them; the CLI turns them into one line on stderr.

Each family has its own exit code so scripts can tell a bad input from a missing model.

A message that concerns a caller's option names it by a placeholder, `{device}`, listed in
`options`: the library's own text spells it as the parameter (`device`, or the spelling given,
`force=True`), and the command line spells it as its flag (`--device`, `--force`) through
`MekongError.phrase`. So the library never quotes a CLI flag, and the CLI shows the flag the
user typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping


class MekongError(Exception):
    """Base of every error a user can cause or fix."""

    exit_code = 1

    def __init__(
        self, message: str = "", *, options: Mapping[str, str] | Iterable[str] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        # placeholder name -> how the library spells it (default: the name itself)
        self.options: dict[str, str] = (
            dict(options) if isinstance(options, Mapping) else {name: name for name in options}
        )

    def phrase(self, spell: Callable[[str], str] | None = None) -> str:
        """The message with each option placeholder spelled by `spell` (default: the library's)."""
        text = self.message
        for name, neutral in self.options.items():
            text = text.replace("{" + name + "}", spell(name) if spell else neutral)
        return text

    def __str__(self) -> str:
        return self.phrase()


def choices_error(
    option: str, value: object, choices: Iterable[str], cls: type[MekongError] | None = None
) -> MekongError:
    """`{option} VALUE: choose one of A, B, C` as a UsageError (or `cls`)."""
    listed = ", ".join(choices)
    return (cls or UsageError)(f"{{{option}}} {value}: choose one of {listed}", options=[option])


def no_cuda_error() -> MekongError:
    """`device cuda` asked for on a machine without one (a ModelError, exit 4)."""
    return ModelError(
        "{device} cuda: no CUDA device is available (use {device} cpu)", options=["device"]
    )


class UsageError(MekongError):
    """Wrong options or arguments (unknown language, same source and target...)."""

    exit_code = 2


class InputError(MekongError):
    """A file that cannot be read or understood (missing, binary, bad encoding, malformed)."""

    exit_code = 3


class GlossaryError(InputError):
    """A glossary file that cannot be used (bad row, missing column, unsafe XML)."""


class ModelError(MekongError):
    """A model that cannot be found, loaded or run."""

    exit_code = 4


class StoreError(MekongError):
    """The aligned store cannot be read or written (unwritable folder, locked, corrupt file)."""

    exit_code = 5
