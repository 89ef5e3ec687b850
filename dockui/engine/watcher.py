"""Keep the UI's picture of the engine current from the event stream, with no polling.

One thread connects (retrying with backoff), sends a full snapshot, then reads events. A
second thread turns events into targeted updates: it fetches only the containers the events
name, and coalesces bursts, so a thousand ``docker run`` calls cost a handful of refreshes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from dockui.engine.errors import EngineError
from dockui.engine.loading import load_docker
from dockui.engine.models import ContainerInfo, EngineEvent, ImageInfo
from dockui.engine.resolve import EngineTarget

if TYPE_CHECKING:
    from dockui.engine.service import Engine

# Events that cannot change what the lists show: skip the fetch they would cost.
_IGNORED_ACTIONS = ("exec_", "attach", "resize", "top", "archive-path", "extract-to-dir",
                    "copy", "export", "detach")
# dockerd 20.10 sends `die` (and `pause`, `start`...) before its list shows the new state:
# when the list still shows the state the event says is over, look again soon.
_RECHECK_AFTER = (0.15, 0.6, 2.0)
_STALE_STATES = {
    "die": {"running"}, "kill": {"running"}, "stop": {"running"},
    "pause": {"running"}, "unpause": {"paused"}, "start": {"created", "exited"},
    "restart": {"exited"},
}
_FULL_REFRESH_OVER = 200
"""Above this many changed containers in one batch, one full list is cheaper."""


class WatcherListener(Protocol):
    """What the watcher reports. Called from the watcher's threads."""

    def engine_connecting(self, target: EngineTarget, attempt: int) -> None: ...
    def engine_connected(self, engine: Engine) -> None: ...
    def engine_down(self, target: EngineTarget, message: str, retry_in: float) -> None: ...
    def snapshot(self, containers: list[ContainerInfo], images: list[ImageInfo]) -> None: ...
    def containers_changed(self, changed: list[ContainerInfo], removed: list[str]) -> None: ...
    def images_changed(self, images: list[ImageInfo]) -> None: ...


@dataclass
class _Recheck:
    container_id: str
    attempt: int
    stale: frozenset[str]


class Watcher:
    """Connects to an engine and streams its changes to a listener until :meth:`stop`."""

    def __init__(self, target: EngineTarget, listener: WatcherListener,
                 connect: Callable[[EngineTarget], Engine] | None = None,
                 max_backoff: float = 5.0) -> None:
        self.target = target
        self.listener = listener
        self._connect = connect
        self._max_backoff = max_backoff
        self._stopped = threading.Event()
        self._wake = threading.Event()
        self._stream_lock = threading.Lock()
        self._stream: object | None = None
        self.engine: Engine | None = None

    def stop(self) -> None:
        """End :meth:`run` soon, from any thread."""
        self._stopped.set()
        self._wake.set()
        self._close_stream()

    def retry_now(self) -> None:
        """Skip the rest of the current backoff wait."""
        self._wake.set()

    def run(self) -> None:
        """Connect, snapshot, follow events; on loss, reconnect with backoff. Blocks."""
        backoff = 0.5
        attempt = 0
        if self._connect is None:  # docker-py is imported here, off the UI's thread
            load_docker()
            from dockui.engine.service import connect

            self._connect = connect
        while not self._stopped.is_set():
            attempt += 1
            self.listener.engine_connecting(self.target, attempt)
            try:
                engine = self._connect(self.target)
            except EngineError as exc:
                self._wait_retry(str(exc), backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            backoff, attempt = 0.5, 0
            self.engine = engine
            try:
                self._follow(engine)
                if self._stopped.is_set():
                    break
                message = "the engine closed its event stream"
            except EngineError as exc:
                message = f"lost the engine: {exc}"
            self.engine = None
            engine.close()
            self._wait_retry(message, backoff)

    def _wait_retry(self, message: str, delay: float) -> None:
        if self._stopped.is_set():
            return
        self.listener.engine_down(self.target, message, delay)
        self._wake.clear()
        self._wake.wait(delay)

    def _follow(self, engine: Engine) -> None:
        # Open the stream before the snapshot so that nothing happening in between is lost.
        stream = engine.events(since=time.time())
        with self._stream_lock:
            self._stream = stream
        if self._stopped.is_set():
            stream.close()
            return
        self.listener.engine_connected(engine)
        self.listener.snapshot(engine.containers(), engine.images())
        pending: queue.Queue[EngineEvent | _Recheck | None] = queue.Queue()
        applier = threading.Thread(target=self._apply_loop, args=(engine, pending),
                                   name="dockui-events-apply", daemon=True)
        applier.start()
        try:
            for event in stream:
                if self._stopped.is_set():
                    break
                if not event.action.startswith(_IGNORED_ACTIONS):
                    pending.put(event)
        finally:
            pending.put(None)
            with self._stream_lock:
                self._stream = None
            stream.close()

    def _close_stream(self) -> None:
        with self._stream_lock:
            stream = self._stream
        if stream is not None:
            stream.close()  # type: ignore[attr-defined]

    def _apply_loop(self, engine: Engine, pending: queue.Queue) -> None:
        while True:
            first = pending.get()  # blocks: no work, no CPU, while nothing happens
            batch = [first]
            while True:
                try:
                    batch.append(pending.get_nowait())
                except queue.Empty:
                    break
            if None in batch:
                return
            try:
                self._apply(engine, batch, pending)
            except EngineError:
                continue  # the stream breaks too, and the reconnect refreshes everything

    def _apply(self, engine: Engine, batch: list, pending: queue.Queue) -> None:
        # container id -> (recheck attempt so far, states that would mean "not yet updated")
        container_ids: dict[str, tuple[int, frozenset[str]]] = {}
        images_dirty = False
        for item in batch:
            if isinstance(item, _Recheck):
                container_ids[item.container_id] = (item.attempt, item.stale)
            elif item.type == "container":
                stale = _STALE_STATES.get(item.action)
                if stale:
                    container_ids[item.id] = (0, frozenset(stale))
                else:
                    container_ids.setdefault(item.id, (0, frozenset()))
                if item.action in ("destroy", "commit"):
                    images_dirty = True  # the image's container count changed
            elif item.type == "image":
                images_dirty = True
        if len(container_ids) > _FULL_REFRESH_OVER:
            containers = engine.containers()
            self.listener.snapshot(containers, engine.images())
            return
        changed: list[ContainerInfo] = []
        removed: list[str] = []
        for container_id, (attempt, stale) in container_ids.items():
            info = engine.container(container_id)
            if info is None:
                removed.append(container_id)
                continue
            changed.append(info)
            if info.state in stale:
                self._schedule_recheck(pending, _Recheck(container_id, attempt, stale))
        if changed or removed:
            self.listener.containers_changed(changed, removed)
        if images_dirty:
            self.listener.images_changed(engine.images())

    def _schedule_recheck(self, pending: queue.Queue, recheck: _Recheck) -> None:
        if recheck.attempt >= len(_RECHECK_AFTER):
            return
        later = _Recheck(recheck.container_id, recheck.attempt + 1, recheck.stale)
        timer = threading.Timer(_RECHECK_AFTER[recheck.attempt], pending.put, args=(later,))
        timer.daemon = True
        timer.start()
