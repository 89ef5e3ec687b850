"""The Logs pane: follows the selected container's logs, or shows a build's output."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import ProgressBar, Static

from dockui.engine.errors import describe_error
from dockui.engine.models import ContainerInfo
from dockui.logtext import LineSplitter, LogLine, interleave
from dockui.settings import LogSettings, load_settings, save_settings, settings_path
from dockui.widgets.log_view import LogView

if TYPE_CHECKING:
    from dockui.engine.build import BuildRecord, BuildSpec

MAX_LINES = LogSettings().keep
"""Lines kept by default (the settings may say otherwise)."""
FLOOD_BATCH = 200
"""A drain this big means a flood: the next one waits ``FLOOD_INTERVAL`` seconds."""
FLOOD_INTERVAL = 0.08
KEY_FIRST = 0.3
"""Seconds after a key press during which log readers stand aside for the screen."""
SPLIT_SLICE = 500
"""Records a reader turns into lines before it looks for a key press (a read may hold 10,000)."""
COPY_MAX_LINES = 2000
"""Terminals cap what an OSC 52 clipboard write may carry."""
SWITCH_DELAY = 0.15
"""Seconds the selection must rest on a container before its log stream opens."""


def _spawn(target: Any, *args: Any) -> None:
    """Read a stream in a daemon thread of its own, not a Textual worker.

    A read blocked on a dead link (an ssh channel, say) must never keep the app from
    exiting: Textual's thread workers run in asyncio's executor, which exit waits for.
    """
    threading.Thread(target=target, args=args, name="dockui-logs", daemon=True).start()


def note(text: str, style: str = "stderr") -> LogLine:
    """A line dockui itself writes into the log (markers, build results)."""
    return LogLine(text, style)  # type: ignore[arg-type]


def _sliced(splitter: LineSplitter, batch: list[Any]) -> Iterator[list[LogLine]]:
    """A read's lines a slice at a time, so that the reader can stand aside between them."""
    for start in range(0, len(batch), SPLIT_SLICE):
        yield splitter.feed_chunks(batch[start:start + SPLIT_SLICE])


def key_wait(last_input: float, now: float) -> float:
    """Seconds a log reader still stands aside for a key pressed at ``last_input``."""
    return max(0.0, KEY_FIRST - (now - last_input))


class LogsPane(Vertical):
    """A :class:`LogView` fed by one follow stream (or a build) at a time."""

    DEFAULT_CSS = """
    LogsPane { height: 1fr; }
    LogsPane > #log-header { height: 1; padding: 0 1; }
    LogsPane > #log-header > #log-title { width: 1fr; height: 1; }
    LogsPane > #log-header > ProgressBar { width: 40; height: 1; display: none; }
    LogsPane.-building > #log-header > ProgressBar { display: block; }
    LogsPane > LogView { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "cancel_build", "Cancel build", show=False),
        Binding("o", "log_options", "Lines…"),
        Binding("ctrl+s", "save", "Save to file"),
        Binding("F", "toggle_filter", "Only matches"),
        Binding("y", "copy", "Copy"),
    ]

    class Lines(Message):
        """New lines are waiting in the pane's queue (posted once per empty→full change)."""

    class Ended(Message):
        """A follow stream ended; ``reason`` is exited, removed, engine-gone or running."""

        def __init__(self, container_id: str, reason: str, since: str | None,
                     generation: int) -> None:
            super().__init__()
            self.generation = generation
            self.container_id = container_id
            self.reason = reason
            self.since = since

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.container: ContainerInfo | None = None
        self.building: BuildSpec | None = None
        self.settings = LogSettings()
        """How much log to fetch and keep: loaded on mount, changed with `o`."""
        self._queue: deque[LogLine] = deque(maxlen=MAX_LINES)
        self._queue_lock = threading.Lock()
        self._input_clock: Any = None
        """The app (its ``last_input``), for reader threads: they have no active app."""
        self._drain_due = False
        """A Lines message or a drain timer is on its way (guarded by the queue lock)."""
        self._streams: list[Any] = []
        self._streams_lock = threading.Lock()
        self._live = False
        """A single-container follow is open or opening (its stream may not be adopted yet)."""
        self._generation = 0
        """Bumped on every switch: a reader of an older stream drops what it reads."""
        self._following_many = False
        self._switch_timer: Any = None
        self._since: str | None = None
        self._build_started = 0.0
        self.keep_output = False
        """A build's output is on show: only a deliberate selection replaces it."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="log-header"):
            yield Static("select a container to follow its logs", id="log-title")
            yield ProgressBar(total=1, show_eta=False, id="build-progress")
        yield LogView(max_lines=MAX_LINES, id="log")

    def on_mount(self) -> None:
        self.settings = load_settings(self._settings_path())
        self._queue = deque(maxlen=self.settings.keep)
        self._input_clock = self.app

    def _settings_path(self) -> Path:
        return settings_path(getattr(self.app, "environ", None))

    def action_log_options(self) -> None:
        """`o`: how many lines of history to fetch, and how many to keep."""
        from dockui.screens.log_options import LogOptionsDialog

        self.app.push_screen(LogOptionsDialog(self.settings), self._apply_settings)

    def _apply_settings(self, settings: LogSettings | None) -> None:
        if settings is None or settings == self.settings:
            return
        self.settings = settings
        try:
            save_settings(self._settings_path(), settings)
        except OSError as exc:
            self.notify(f"Not saved ({exc}); used until dockui exits.", severity="warning",
                        markup=False)
        with self._queue_lock:
            self._queue = deque(self._queue, maxlen=settings.keep)
        if self.container is not None and not self.keep_output:
            self._switch(self.container)  # fetch again with the new numbers
        else:
            self.notify("The new numbers apply to the next log shown.", timeout=4)

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def focus(self, scroll_visible: bool = True) -> Any:
        return self.view.focus(scroll_visible)

    def set_title(self, text: str | Text) -> None:
        self.query_one("#log-title", Static).update(text)

    # Following a container ---------------------------------------------------------------------

    def show_container(self, container: ContainerInfo, *, now: bool = False) -> None:
        """Follow ``container`` (after a short rest of the selection, unless ``now``)."""
        if self.building is not None:
            return  # a build's output stays until the build ends
        if self.container is not None and self.container.id == container.id and self._live:
            return
        if self._switch_timer is not None:
            self._switch_timer.stop()
        if now:
            self._switch(container)
        else:
            self._switch_timer = self.set_timer(SWITCH_DELAY, lambda: self._switch(container))

    def _switch(self, container: ContainerInfo, since: str | None = None) -> None:
        self._close_stream()
        self.keep_output = False
        self.container = container
        if since is None:
            self._start_over()
        self._since = since
        self.set_title(Text.assemble(("following ", "dim"), (container.name, "bold"),
                                     (f"  {container.image}", "dim")))
        engine = getattr(self.app, "engine", None)
        if engine is None:
            self.view.append([note("— not connected to an engine —")])
            return
        self._live = True
        _spawn(self._follow, engine, container, since, self._generation)

    def _follow(self, engine: Any, container: ContainerInfo, since: str | None,
                generation: int) -> None:
        from dockui.engine.logstream import ended_reason, open_log_stream

        splitter = LineSplitter()
        last_ts = since
        try:
            tail = self.settings.tail if since is None else "all"  # on resume, `since` bounds it
            stream = open_log_stream(engine.api, container.id, tail=tail, since=since)
        except Exception as exc:
            self._push([note(f"— cannot read the logs: {describe_error(exc)} —")], generation)
            self.post_message(self.Ended(container.id, "unreadable", since, generation))
            return
        if not self._adopt(stream, generation):
            return
        for batch in stream:
            if generation != self._generation:
                break
            for lines in _sliced(splitter, batch):
                if lines:
                    last_ts = lines[-1].timestamp or last_ts
                    self._push(lines, generation)
        self._push(splitter.flush(), generation)
        if generation != self._generation or stream.closed:
            return
        reason = ended_reason(engine.api, container.id)
        self.post_message(self.Ended(container.id, reason, last_ts, generation))

    def _adopt(self, stream: Any, generation: int) -> bool:
        """Keep ``stream`` for closing later, unless the pane moved on while it opened."""
        with self._streams_lock:
            if generation == self._generation:
                self._streams.append(stream)
                return True
        stream.close()
        return False

    def _push(self, lines: list[LogLine], generation: int | None = None,
              stand_aside: bool = True) -> None:
        """From a reader thread: queue lines; wake the UI unless a drain is already due."""
        if not lines:
            return
        if stand_aside:
            self._stand_aside()  # first: the view may have moved on to other logs meanwhile
        if generation is not None and generation != self._generation:
            return
        with self._queue_lock:
            self._queue.extend(lines)
            if self._drain_due:
                return
            self._drain_due = True
        self.post_message(self.Lines())

    def _stand_aside(self) -> None:
        """In a reader thread, just after a key press: wait until the screen has answered.

        Readers and the screen share one interpreter lock, and a flood's reader takes half of
        it: the screen's answer to a key (a dialog to lay out and draw) then took up to 0.4 s.
        The engine keeps the log meanwhile; nothing is lost, the view catches up after.
        """
        clock = self._input_clock
        while clock is not None and (wait := key_wait(clock.last_input, time.monotonic())) > 0:
            time.sleep(wait)

    def on_logs_pane_lines(self, _message: Lines) -> None:
        self._drain()

    def _drain(self) -> None:
        """Show the queued lines. In a flood, wait a little before the next batch.

        The reader threads and the screen share one interpreter lock: drawing every few
        milliseconds would starve the readers. A trickle is shown at once.
        """
        with self._queue_lock:
            lines = list(self._queue)
            self._queue.clear()
            self._drain_due = len(lines) >= FLOOD_BATCH
        if lines and self._following_many:
            # Each container's stream is in order, but two of them may deliver out of step.
            by_source: dict[str | None, list[LogLine]] = {}
            for line in lines:
                by_source.setdefault(line.source, []).append(line)
            lines = interleave(by_source.values())
        if lines:
            self.view.append(lines)
        if self._drain_due:
            self.set_timer(FLOOD_INTERVAL, self._drain)

    def on_logs_pane_ended(self, message: Ended) -> None:
        if message.generation != self._generation or self.container is None:
            return
        with self._streams_lock:
            self._streams = []
        self._live = False
        words = {"exited": "container stopped", "removed": "container removed",
                 "engine-gone": "lost the engine", "running": "stream ended"}
        if message.reason in words:
            self.view.append([note(f"— {words[message.reason]} —")])
        self._since = message.since
        if message.reason == "running":  # the stream broke but the container runs: resume
            self._switch_timer = self.set_timer(
                0.5, lambda: self._switch(self.container, self._since))

    def leave_engine(self, host: str) -> None:
        """Another engine was chosen: its containers are others, stop showing this one's."""
        if self.building is not None:
            return  # the build goes on (on the engine it started on) and says how it ended
        self._close_stream()
        self.container = None
        self.keep_output = False
        self._since = None
        self._start_over()
        self.view.append([note(f"— now on {host}: choose a container to follow its logs —",
                               "stdout")])
        self.set_title("select a container to follow its logs")

    def engine_ready(self) -> None:
        """The engine answers (at last, or again): follow the chosen container if not yet.

        The first lists may come from before the connection (the start-up prefetch), and a
        stream that ended with the engine resumes where it stopped.
        """
        if self.container is not None and not self._live and self.building is None:
            self._switch(self.container, self._since)

    def containers_changed(self, changed: Iterable[ContainerInfo], removed: Iterable[str]) -> None:
        """Resume following when the followed container starts again."""
        current = self.container
        if current is None or self.building is not None:
            return
        for info in changed:
            if info.id == current.id:
                self.container = info
                if info.state == "running" and not self._live:
                    self._switch(info, self._since or time.strftime(
                        "%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime()))

    def on_unmount(self) -> None:
        # A follow blocks its thread in a read: close it, or the app cannot exit.
        self._close_stream()

    def _start_over(self) -> None:
        """Empty the view (it keeps as many lines as the settings say) and the queue."""
        # Lines an old stream queued before it was closed must not land in what comes next.
        self.view.reset(max_lines=self.settings.keep)
        with self._queue_lock:
            self._queue.clear()

    def _close_stream(self) -> None:
        # A selection switch still waiting on its timer must not undo what comes next.
        if self._switch_timer is not None:
            self._switch_timer.stop()
            self._switch_timer = None
        with self._streams_lock:
            self._generation += 1
            streams, self._streams = self._streams, []
        for stream in streams:
            stream.close()
        self._following_many = False
        self._live = False

    # Several containers, interleaved ----------------------------------------------------------

    def show_many(self, containers: list[ContainerInfo], title: str) -> None:
        """Follow several containers at once, each line prefixed with its container's name."""
        if self.building is not None or not containers:
            return
        self._close_stream()
        self.keep_output = True
        self.container = None
        self._following_many = True
        self._start_over()
        self.set_title(Text.assemble(("following ", "dim"), (title, "bold"),
                                     (f"  {len(containers)} containers", "dim")))
        engine = getattr(self.app, "engine", None)
        if engine is not None:
            _spawn(self._follow_many, engine, containers, self._generation)

    def _follow_many(self, engine: Any, containers: list[ContainerInfo], generation: int) -> None:
        # History first, merged by time; then one follow stream per container from there on.
        histories, since = [], {}
        for c in containers:
            lines = self._read_history(engine, c, generation)
            histories.append(lines)
            since[c.id] = next((ln.timestamp for ln in reversed(lines) if ln.timestamp), None)
        # At once: the follow streams start from the histories' ends, and lines written
        # while they wait would reach them all at once, out of time order.
        self._push(interleave(histories)[-self.settings.keep:], generation, stand_aside=False)
        threads = [threading.Thread(target=self._follow_one,
                                    args=(engine, c, since[c.id], generation), daemon=True)
                   for c in containers if c.running]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _read_history(self, engine: Any, container: ContainerInfo,
                      generation: int) -> list[LogLine]:
        from dockui.engine.logstream import open_log_stream

        splitter = LineSplitter(source=container.name)
        lines: list[LogLine] = []
        try:
            stream = open_log_stream(engine.api, container.id, tail=self.settings.tail,
                                     follow=False)
            if not self._adopt(stream, generation):
                return []
            for batch in stream:
                lines += splitter.feed_chunks(batch)
        except Exception as exc:
            return [LogLine(f"— cannot read the logs: {describe_error(exc)} —", "stderr",
                            source=container.name)]
        return lines + splitter.flush()

    def _follow_one(self, engine: Any, container: ContainerInfo, since: str | None,
                    generation: int) -> None:
        from dockui.engine.logstream import open_log_stream

        splitter = LineSplitter(source=container.name)
        try:
            stream = open_log_stream(engine.api, container.id, tail="all",
                                     since=since or time.time())
        except Exception:
            return
        if not self._adopt(stream, generation):
            return
        for batch in stream:
            if generation != self._generation:
                break
            for lines in _sliced(splitter, batch):
                self._push(lines, generation)
        self._push(splitter.flush(), generation)

    def search(self, text: str) -> None:
        """Highlight ``text`` in the log (the `/` line); ``/regex/`` searches a pattern."""
        pane: Any = self.parent
        if not text:
            self.view.clear_search()
            pane.set_subtitle("")
            return
        regex = len(text) > 2 and text.startswith("/") and text.endswith("/")
        try:
            count = self.view.search(text[1:-1] if regex else text, regex=regex)
        except re.error as exc:
            pane.set_subtitle(f"bad pattern: {exc}")
            return
        hint = "  n/N: next/previous · F: only matches" if count else ""
        pane.set_subtitle(f"{count} matching lines{hint}")

    def action_toggle_filter(self) -> None:
        if self.view.match_count or self.view.filter_mode:
            self.view.filter_mode = not self.view.filter_mode
        else:
            self.notify("Search first (/), then F shows only the matching lines.", timeout=3)

    def action_copy(self) -> None:
        lines = self.view.visible_lines()[-COPY_MAX_LINES:]
        if not lines:
            return
        self.app.copy_to_clipboard("\n".join(lines) + "\n")
        self.notify(f"Copied {len(lines)} lines (through the terminal's clipboard, OSC 52)",
                    timeout=3)

    def action_save(self) -> None:
        self.screen.save_logs()  # type: ignore[attr-defined]

    # Jobs (push) --------------------------------------------------------------------------

    def start_job(self, title: str, first_line: str) -> None:
        """Show a long job's output (a push) with a progress bar."""
        self._close_stream()
        self.container = None
        self.keep_output = True
        self._start_over()
        self.add_class("-building")
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.set_title(Text(title, style="bold yellow"))
        self.view.append([note(first_line, "stdout")])

    def job_progress(self, lines: list[str], done: int, total: int) -> None:
        if lines:
            self.view.append([LogLine(line, "stdout") for line in lines])
        if total:
            self.query_one(ProgressBar).update(total=total, progress=done)

    def end_job(self, ok: bool, text: str) -> None:
        self.remove_class("-building")
        mark = "✔" if ok else "✖"
        self.view.append([note(f"{mark} {text}", "stdout" if ok else "stderr")])
        self.set_title(Text(text, style="bold green" if ok else "bold red"))

    # Builds ------------------------------------------------------------------------------

    def start_build(self, spec: BuildSpec) -> None:
        """Show a build's output from now on."""
        self._close_stream()
        self.building = spec
        self._build_started = time.monotonic()
        self.container = None
        self._start_over()
        self.add_class("-building")
        bar = self.query_one(ProgressBar)
        bar.update(total=1, progress=0)
        self.set_title(Text.assemble(("building ", "bold yellow"), (", ".join(spec.tags),
                                                                     "bold"),
                                     ("  escape cancels", "dim")))
        self.view.append([note("$ " + spec.to_cli(), "stdout")])

    def build_records(self, records: list[BuildRecord]) -> None:
        lines = []
        for record in records:
            if record.kind == "step":
                bar = self.query_one(ProgressBar)
                bar.update(total=record.total, progress=record.step - 1)
                lines.append(LogLine(record.text, "stdout"))
            else:
                lines.append(LogLine(record.text, "stdout"))
        self.view.append(lines)
        elapsed = time.monotonic() - self._build_started
        if self.building is not None:
            self.set_title(Text.assemble(("building ", "bold yellow"),
                                         (", ".join(self.building.tags), "bold"),
                                         (f"  {elapsed:.0f} s · escape cancels", "dim")))

    def end_build(self, outcome: Any) -> None:
        self.keep_output = True
        self.remove_class("-building")
        self.building = None
        if outcome.ok:
            self.query_one(ProgressBar).update(progress=self.query_one(ProgressBar).total)
            self.view.append([note(f"✔ built {', '.join(outcome.spec.tags)} in "
                                   f"{outcome.elapsed:.1f} s", "stdout")])
            self.set_title(Text.assemble(("built ", "bold green"),
                                         (", ".join(outcome.spec.tags), "bold")))
            return
        failure = outcome.failure
        lines = [note("")]
        if failure is not None:
            lines.append(note(f"✖ {failure.summary()}"))
            if failure.tail:
                lines.append(note("  last lines of that step:"))
                lines += [note("  │ " + line) for line in failure.tail]
        else:
            lines.append(note(f"✖ {outcome.message}"))
        self.view.append(lines)
        self.set_title(Text.assemble(("build failed ", "bold red"),
                                     (", ".join(outcome.spec.tags), "bold")))

    def action_cancel_build(self) -> None:
        if self.building is not None:
            self.screen.action_cancel_build()  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_build":
            return self.building is not None
        return True
