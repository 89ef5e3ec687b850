"""The dockui application: wires the engine watcher to the main screen."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.driver import Driver
from textual.message import Message

from dockui.command_log import CommandLog
from dockui.commands import DockuiCommands
from dockui.engine.models import ContainerInfo, ImageInfo
from dockui.engine.resolve import EngineTarget, ResolveError, resolve_target
from dockui.messages import ContainersChanged, EngineStatus, ImagesChanged, Snapshot
from dockui.prefetch import Prefetch
from dockui.screens.main import MainScreen

if TYPE_CHECKING:  # docker-py comes with them: the watcher's thread imports it
    from dockui.engine.service import Engine
    from dockui.engine.watcher import Watcher
    from dockui.first_frame import FirstFrame

START_HINT = ("start one with `sudo systemctl start docker` (or `make run` in dockui's "
              "folder), or choose another with --host / --context")


SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the interpreter while another waits (Python's default: 0.005).
A log flood's reader holds it for whole blocks; a key's answer then waited up to 5 ms at every
turn. Measured: the slowest of 8 key presses during floods 0.06 s instead of 0.06-0.10 s, the
floods as fast as before."""
GC_THRESHOLDS = (50_000, 20, 100)
"""Python's default (700, 10, 10) collects every few hundred new objects: a log flood makes
hundreds of thousands, and the collections, up to a quarter second each, stalled keys."""


class DockuiApp(App):
    """dockui. Build with :func:`make_app`."""

    CSS_PATH = "app.tcss"
    TITLE = "dockui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("H", "switch_host", "Hosts"),
    ]
    COMMANDS = App.COMMANDS | {DockuiCommands}

    def __init__(self, project_dir: Path, host: str | None = None, context: str | None = None,
                 environ: Mapping[str, str] | None = None,
                 prefetch: Prefetch | None = None, first_frame: FirstFrame | None = None) -> None:
        super().__init__()
        self.prefetch = prefetch
        """An early answer from a local engine, shown until the watcher's own snapshot."""
        self.first_frame = first_frame
        """Drawn before Textual loaded; the main screen ends it before its own first frame."""
        self.project_dir = project_dir
        self.host_option = host
        self.context_option = context
        self.environ = dict(os.environ if environ is None else environ)
        self.target: EngineTarget | None = None
        self.watcher: Watcher | None = None
        self.engine: Engine | None = None
        self._memory_settled = 0
        self._early_keys: list[events.Key] | None = []
        self.last_input = 0.0
        """When the user last pressed a key or a mouse button (monotonic seconds)."""
        self.command_log = CommandLog()
        """Every action taken, as the docker CLI line that does the same (`L`)."""
        self.main = MainScreen(project_dir)

    @property
    def target_trust(self) -> str:
        return self.target.trust if self.target else ""

    def on_mount(self) -> None:
        self.push_screen(self.main)
        try:
            self.target = resolve_target(self.host_option, self.context_option, self.environ)
        except ResolveError as exc:
            self.main.post_message(EngineStatus("down", f"no engine: {exc}"))
            return
        if self.prefetch is None or self.prefetch.containers is None:
            self.start_watcher(self.target)
        # else the prefetched lists paint first, and docker-py connects after (below)

    def start_watcher(self, target: EngineTarget) -> None:
        """Connect to ``target`` (replacing any current engine) and keep the lists live."""
        if self.watcher is not None:
            self.watcher.stop()
        self.target = target
        from dockui.engine.watcher import Watcher  # docker-py itself loads in its thread

        self.watcher = Watcher(target, self)
        # A daemon thread, not a Textual worker: exit must not wait for a blocked read.
        threading.Thread(target=self.watcher.run, name="dockui-watcher", daemon=True).start()

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    # WatcherListener: called from the watcher's threads, so only post messages here. ---------

    def engine_connecting(self, target: EngineTarget, attempt: int) -> None:
        if attempt == 1:
            self.main.post_message(EngineStatus("connecting", f"connecting to {target.host}…"))

    def engine_connected(self, engine: Engine) -> None:
        self.engine = engine
        self.main.post_message(EngineStatus("connected", "", engine.info))

    def engine_down(self, target: EngineTarget, message: str, retry_in: float) -> None:
        self.engine = None
        # How to start a local engine is no help when a remote one refused a key or a login.
        hint = f" — {START_HINT}" if target.transport == "unix" else " — H chooses another engine"
        self.main.post_message(EngineStatus(
            "down", f"no engine at {target.host} ({target.source}): {message}{hint}; "
                    f"retrying every {max(retry_in, 1):.0f} s"))

    def snapshot(self, containers: list[ContainerInfo], images: list[ImageInfo]) -> None:
        self.main.post_message(Snapshot(containers, images))

    def containers_changed(self, changed: list[ContainerInfo], removed: list[str]) -> None:
        self.main.post_message(ContainersChanged(changed, removed))

    def images_changed(self, images: list[ImageInfo]) -> None:
        self.main.post_message(ImagesChanged(images))

    def action_switch_host(self) -> None:
        from dockui.screens.host_switcher import HostSwitcher

        self.push_screen(HostSwitcher(self.target), lambda t: t and self._switch_engine(t))

    def _switch_engine(self, target: EngineTarget) -> None:
        from dockui.widgets.logs_pane import LogsPane

        self.main.query_one(LogsPane).leave_engine(target.host)
        self.start_watcher(target)

    def get_driver_class(self) -> type[Driver]:
        return _input_clock(super().get_driver_class())

    async def on_event(self, event: events.Event) -> None:
        # Keys typed while dockui starts (its first frame is up before Textual runs) arrive
        # before the main screen is there to take them: they wait until it is.
        if isinstance(event, (events.Key, events.MouseDown)) and not event.is_forwarded:
            # Log readers stand aside for a moment. The terminal's driver noted the time
            # already (see _input_clock); keys from elsewhere (Pilot, replays) are noted here.
            self.last_input = time.monotonic()
            if self._early_keys is not None and isinstance(event, events.Key):
                self._early_keys.append(event)
                return
            if (isinstance(event, events.Key) and event.key != "ctrl+c"
                    and self.screen is self.main and self.main.help.is_open):
                await self.main.help.take_key(event.key)  # every key, while help is open
                return
        await super().on_event(event)

    def release_early_keys(self) -> None:
        """The main screen takes keys now: hand it those typed before."""
        keys, self._early_keys = self._early_keys or [], None
        for key in keys:
            replay = events.Key(key.key, key.character)
            replay.set_sender(self)  # as if from the terminal, like Pilot's keys
            self.post_message(replay)

    def after_first_paint(self) -> None:
        """The first lists are on screen: settle memory, connect (if that waited)."""
        sys.setswitchinterval(SWITCH_INTERVAL)  # from now on, log readers may flood
        self.settle_memory()
        if self.watcher is None and self.target is not None:
            self.start_watcher(self.target)

    def settle_memory(self) -> None:
        """Set what the app holds for good aside: after the first paint, after connecting.

        Modules, widgets and styles live as long as the app: out of the collector's reach, a
        full collection during a log flood takes ~10 ms instead of ~80 ms (a key press waits
        for it); and collections come less often (:data:`GC_THRESHOLDS`). Not in tests, which
        run many apps in one process.
        """
        if self._memory_settled >= 2 or self.is_headless:
            return
        self._memory_settled += 1
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)

    def action_help(self) -> None:
        self.main.help.open()


def _input_clock(driver: type[Driver]) -> type[Driver]:
    """``driver``, noting the time of each key press as it reads it (see ``last_input``).

    In the input thread, the moment the key arrives: when the screen was busy drawing a log
    flood, its own turn to note it came up to 40 ms later, and the readers kept going.
    """
    class InputClockDriver(driver):  # type: ignore[misc, valid-type]
        def process_message(self, message: Message) -> None:
            if isinstance(message, (events.Key, events.MouseDown)):
                self._app.last_input = time.monotonic()  # type: ignore[attr-defined]
            super().process_message(message)

    return InputClockDriver


def make_app(project_dir: str | Path = ".", host: str | None = None,
             context: str | None = None, environ: Mapping[str, str] | None = None,
             prefetch: Prefetch | None = None,
             first_frame: FirstFrame | None = None) -> DockuiApp:
    """The one factory the command line and the tests use."""
    return DockuiApp(Path(project_dir).resolve(), host=host, context=context, environ=environ,
                     prefetch=prefetch, first_frame=first_frame)
