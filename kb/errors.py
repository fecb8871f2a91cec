"""The KBError family. Every message names the file or setting at fault and the fix.

The library never calls sys.exit; the CLI maps BadInput → exit 2, any other KBError → exit 1.
"""

from __future__ import annotations


class KBError(Exception):
    """Base class. ``help_message`` tells the user what to do."""

    exit_code = 1

    def __init__(self, message: str, help_message: str = "") -> None:
        super().__init__(message)
        self.help_message = help_message

    def one_line(self) -> str:
        text = str(self)
        if self.help_message:
            text = f"{text} — {self.help_message}"
        return " ".join(text.split())


class BadInput(KBError):
    """The user gave something we cannot use (empty question, unknown id, unreadable file)."""

    exit_code = 2


class ReadError(BadInput):
    """A source file could not be read (corrupt, binary, wrong extension, empty)."""


class UnknownDocument(BadInput):
    """A document id that is not in the corpus."""


class ConfigError(BadInput):
    """A setting has an invalid value."""


class IndexMissing(BadInput):
    """No index has been built yet."""


class IndexStale(BadInput):
    """The index does not match the corpus, model or settings."""


class IndexCorrupt(BadInput):
    """An index file is truncated or damaged."""


class BuildLocked(BadInput):
    """Another `kb build` is running on the same index."""


class IndexUnwritable(BadInput):
    """The index folder cannot be created or written (read-only, a file, under /proc)."""


class SelectorModelError(KBError):
    """The answer selector's model file is missing, unreadable or does not match this code."""
