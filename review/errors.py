"""Errors a user can act on. The CLI prints them as one line and exits with code 2."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: names the file and, when known, the position (line, column or unit)."""

    def __init__(self, path: object, message: str, line: int | None = None,
                 column: int | None = None, where: str | None = None):
        self.path = str(path) if path is not None else None
        self.message = message
        self.line = line
        self.column = column
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        place = self.path or "<input>"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        elif self.where:
            place += f" ({self.where})"
        return f"{place}: {self.message}"


class Unstreamable(Exception):
    """This input must be loaded whole, not read in batches (review.load.batched says when);
    the message says why. Not the user's problem: the whole-file loader then reads it, and
    reports any error it has."""


class InputWarning(UserWarning):
    """Input read, but in a way the user should know of (a legacy encoding, an ignored column).
    The CLI prints it as one line on stderr."""


class ConflictError(Exception):
    """A save over a revision that changed since it was opened (see review.store)."""

    def __init__(self, message: str, mine: str = "", theirs: str = "", theirs_by: str = ""):
        self.mine = mine
        self.theirs = theirs
        self.theirs_by = theirs_by
        super().__init__(message)


class BusyError(InputError):
    """The project file stayed locked by another writer past the busy timeout: nothing was
    written; the same action can simply be tried again."""
