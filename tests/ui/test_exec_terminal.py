"""`e` for real: dockui in a terminal (tmux), a shell in a busybox container, and back."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid

import pytest

if shutil.which("tmux") is None:
    pytest.fail("tmux is needed for the terminal tests: apt-get install tmux", pytrace=False)


class Terminal:
    """A tmux session of its own (own server socket) running one command."""

    def __init__(self, command: str, width: int = 120, height: int = 36) -> None:
        self.socket = f"dockui-test-{uuid.uuid4().hex[:8]}"
        self._tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), command)
        self._tmux("set-option", "-g", "status", "off")
        self._tmux("set-option", "-g", "window-size", "manual")
        self.resize(width, height)

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=10).stdout

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "t", *keys)

    def text(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "t", "-l", *keys)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def resize(self, width: int, height: int) -> None:
        self._tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))

    def wait_for(self, text: str, timeout: float = 20.0, regex: bool = False) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if (re.search(text, screen) if regex else text in screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the screen:\n{self.screen()}")

    def close(self) -> None:
        self._tmux("kill-server")


@pytest.fixture
def terminal(project_dir):
    made: list[Terminal] = []

    def start(*args: str, size: tuple[int, int] = (120, 36)) -> Terminal:
        command = " ".join([sys.executable, "-m", "dockui", str(project_dir), *args])
        # COLUMNS/LINES from the test process would pin the app to 80x24.
        term = Terminal(f"env -u COLUMNS -u LINES TERM=xterm-256color {command}", *size)
        made.append(term)
        return term

    yield start
    for term in made:
        term.close()


def _ready(term: Terminal) -> None:
    # The lists are loaded, and the terminal's answers to Textual's start-up queries are in
    # (a reply split in two would read as a lone escape key).
    term.wait_for(r"\d+/\d+ ─╯", regex=True)  # the Containers pane's running/all count
    term.wait_for("palette")  # the key bar, drawn by Textual: the first frame has none
    time.sleep(1.0)


def _select(term: Terminal, name: str) -> None:
    """Filter the Containers pane down to ``name`` with `/`, as a user would."""
    term.keys("3", "/")
    term.wait_for("filter…")
    term.text(name)
    # The name shows twice: in the filter line and in its row.
    term.wait_for(rf"{name}[\s\S]*{name}", regex=True)
    term.keys("Enter")
    time.sleep(0.5)


def test_exec_a_shell_and_come_back(terminal, make_container):
    c = make_container("sleep 3600")
    term = terminal()
    _ready(term)
    _select(term, c.name)
    term.keys("e")
    term.wait_for("BusyBox", timeout=30)
    term.text("echo $((6*7))")
    term.keys("Enter")
    assert "42" in term.wait_for("42")
    term.resize(100, 30)
    time.sleep(0.5)
    term.text("stty size")
    term.keys("Enter")
    term.wait_for("30 100")
    term.text("exit 3")
    term.keys("Enter")
    screen = term.wait_for("4 Logs", timeout=30)
    for title in ("1 Project", "2 Images", "3 Containers", "4 Logs"):
        assert title in screen


def test_a_stopped_container_offers_to_start(terminal, make_container):
    c = make_container("sleep 3600", start=False)
    term = terminal()
    _ready(term)
    _select(term, c.name)
    term.keys("e")
    term.wait_for("is not running")
    term.keys("y")
    term.wait_for("BusyBox", timeout=30)
    term.text("exit")
    term.keys("Enter")
    term.wait_for(r"exited[\s▌]+with[\s▌]+code[\s▌]+0", timeout=30,
                  regex=True)


def test_keys_typed_while_dockui_starts_are_not_lost(terminal, make_container):
    make_container("sleep 3600")
    term = terminal()
    term.text("2")  # at once: Python is still loading, and the main screen does not exist yet
    _ready(term)
    # `2` went to the Images pane: the key bar shows its keys, not the Containers pane's.
    assert "Build" in term.wait_for("Build")
    assert "Exec shell" not in term.screen()


def test_help_opens_over_the_panes_and_closes(terminal):
    # In a terminal, not Pilot: Pilot's screen is drawn whole, a terminal gets only what
    # changed, and that is where help was once left undrawn (at 80x24).
    for size in ((80, 24), (120, 36)):
        term = terminal(size=size)
        _ready(term)
        term.keys("?")
        screen = term.wait_for("Everywhere")
        assert "╭─ Keys" in screen and "esc Close" in screen
        term.keys("Escape")
        term.wait_for("? Help")
        assert "Everywhere" not in term.screen()
        term.close()
