"""The command log: every action dockui took, as the docker CLI line that does the same."""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class LoggedCommand:
    """One action: when, the equivalent CLI line, and how it went."""

    when: float
    argv: tuple[str, ...]
    ok: bool
    result: str = ""

    @property
    def line(self) -> str:
        return shlex.join(self.argv)


class CommandLog:
    """An append-only list of :class:`LoggedCommand`, newest last."""

    def __init__(self) -> None:
        self.entries: list[LoggedCommand] = []

    def add(self, argv: list[str] | tuple[str, ...], ok: bool, result: str = "") -> None:
        self.entries.append(LoggedCommand(time.time(), tuple(argv), ok, result))

    def as_script(self) -> str:
        """A shell script that repeats the successful commands, failures as comments."""
        lines = ["#!/bin/sh", "# Commands run by dockui, as docker CLI lines.", "set -e", ""]
        for entry in self.entries:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.when))
            if entry.ok:
                lines.append(f"# {stamp}")
                lines.append(entry.line)
            else:
                lines.append(f"# {stamp} failed: {entry.result}")
                lines.append(f"# {entry.line}")
        return "\n".join(lines) + "\n"
