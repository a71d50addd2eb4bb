"""Exception classes. Only `cli.py` turns them into a one-line message and an exit code.

Every error the user can cause (bad file, stale index, unreachable server...) is a
`T2JError`; anything else escaping to the CLI is a bug and is reported as such.
"""


class T2JError(Exception):
    """Base class: a problem the user can fix, reported as one line."""

    exit_code = 2


class InputError(T2JError):
    """The input file is missing, unreadable, not Python, or has nothing to translate."""


class CorpusError(T2JError):
    """A corpus entry is malformed (bad front matter, missing code block, duplicate id)."""


class IndexError_(T2JError):
    """The index is missing, stale, corrupt, or was built with another embedding model."""


class BackendError(T2JError):
    """An LLM backend cannot run or failed (unknown name, server unreachable, model not available)."""


class OutputError(T2JError):
    """The output cannot be written (exists without --force, or a directory)."""


class ConfigError(T2JError):
    """The configuration file or an option value is invalid."""


class ConversionError(T2JError):
    """A checkpoint could not be converted into the translated module."""
