"""Typed domain errors. The library raises them; the CLI turns them into one line on stderr.

Each family has its own exit code so scripts can tell a bad input from a missing model.
"""

from __future__ import annotations


class MekongError(Exception):
    """Base of every error a user can cause or fix."""

    exit_code = 1


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
