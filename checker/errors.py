"""Typed errors. Library code raises these; only the CLI prints them and picks the exit code."""

from __future__ import annotations


class CheckerError(Exception):
    """A problem with the user's input or configuration (exit code 2)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class InputError(CheckerError):
    """A page that cannot be read: missing, a directory, not UTF-8 text."""


class ConfigError(CheckerError):
    """A bad rule file, registry, profile or config file."""


class Origin:
    """Where a setting's value came from: a command-line flag, or a config file and line."""

    __slots__ = ("line", "path")

    def __init__(self, path: str, line: int | None = None) -> None:
        self.path = path
        self.line = line

    def error(self, message: str) -> ConfigError:
        return ConfigError(self.path, message, self.line)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __repr__(self) -> str:
        return f"Origin({self.path!r}, {self.line!r})"
