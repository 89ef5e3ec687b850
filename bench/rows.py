"""The results table: one row per measure, a column per tool."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

CLI, DOCKUI, LAZYDOCKER = "docker CLI", "dockui", "lazydocker"
COLUMNS = (CLI, DOCKUI, LAZYDOCKER)


UNIT_FORMATS = {"s": "{:.3f} s", "%": "{:.2f} %", "MB": "{:.0f} MB", "": "{:.0f}"}


def fmt(value: float | None, unit: str) -> str:
    """``value`` with its unit; "error" when the tool gave none, "timed out" for inf."""
    if value is None:
        return "error"
    if math.isinf(value):
        return "timed out"
    return UNIT_FORMATS[unit].format(value)


def timeouts_note(runs: list[float | None], timeout: float) -> str:
    """" (k/n runs > T s)" when some runs never showed the awaited text, else ""."""
    failed = sum(r is None for r in runs)
    return f" ({failed}/{len(runs)} runs > {timeout:.0f} s)" if failed else ""


def fmt_list(values: list[float | None]) -> str:
    return ", ".join("error" if v is None else f"{v:.3f}" for v in values)


@dataclass
class Row:
    """One line of the results table: a value per tool, in ``unit``, and dockui's target."""

    measure: str
    unit: str
    values: dict[str, float | None] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # appended to a tool's cell
    limit: float | None = None
    target_note: str = ""

    @property
    def target(self) -> str:
        if self.target_note:
            return self.target_note
        return "—" if self.limit is None else f"< {self.limit:g} {self.unit}"

    @property
    def verdict(self) -> str:
        """PASS / FAIL for dockui against ``limit``."""
        if self.limit is None:
            return "—"
        value = self.values.get(DOCKUI)
        if value is None:
            return "no value"
        return "PASS" if value < self.limit else "FAIL"

    def cells(self) -> list[str]:
        values = [fmt(self.values[c], self.unit) + self.extra.get(c, "")
                  if c in self.values else "—" for c in COLUMNS]
        return [self.measure, *values, self.target, self.verdict]


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    header = ["Measure", *COLUMNS, "dockui target", "dockui"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)
