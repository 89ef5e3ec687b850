"""Helpers for driving dockui with Textual's Pilot against the real engine."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from dockui.app import DockuiApp, make_app


@pytest.fixture
def project_dir(tmp_path):
    """A small Python project folder."""
    (tmp_path / "main.py").write_text("print('hello')\n")
    (tmp_path / "requirements.txt").write_text("requests==2.32.3\n")
    return tmp_path


@pytest.fixture
def app_factory(project_dir, docker_client) -> Callable[..., DockuiApp]:
    """Build the app as the command line would, on the engine the tests use."""

    def factory(**kwargs) -> DockuiApp:
        kwargs.setdefault("project_dir", project_dir)
        return make_app(**kwargs)

    return factory


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0,
                   what: str = "condition") -> None:
    """Let the app run until ``condition()`` holds; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def screen_text(app: DockuiApp) -> str:
    """Everything on the screen as plain text, one line per terminal row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def row_texts(table) -> list[str]:
    """Each row of a DataTable as one plain-text line."""
    out = []
    for row_index in range(table.row_count):
        cells = table.get_row_at(row_index)
        out.append(" | ".join(getattr(c, "plain", str(c)) for c in cells))
    return out
