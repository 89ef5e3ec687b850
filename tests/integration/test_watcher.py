"""The watcher turns engine events into targeted updates, state quirks included."""

from __future__ import annotations

import threading
import time

from dockui.engine.resolve import resolve_target
from dockui.engine.watcher import Watcher


class Recorder:
    """A WatcherListener that keeps the latest state of every container it was told about."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.removed: set[str] = set()
        self.connected = threading.Event()
        self.snapshots = 0

    def engine_connecting(self, target, attempt) -> None:
        pass

    def engine_connected(self, engine) -> None:
        self.connected.set()

    def engine_down(self, target, message, retry_in) -> None:
        pass

    def snapshot(self, containers, images) -> None:
        self.snapshots += 1
        self.states.update({c.id: c.state for c in containers})

    def containers_changed(self, changed, removed) -> None:
        self.states.update({c.id: c.state for c in changed})
        self.removed.update(removed)

    def images_changed(self, images) -> None:
        pass


def _until(condition, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_events_become_states(make_container, docker_client):
    recorder = Recorder()
    watcher = Watcher(resolve_target(), recorder)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        assert recorder.connected.wait(10)
        c = make_container("sleep 3600")
        assert _until(lambda: recorder.states.get(c.id) == "running")
        c.pause()
        assert _until(lambda: recorder.states.get(c.id) == "paused"), recorder.states.get(c.id)
        c.unpause()
        assert _until(lambda: recorder.states.get(c.id) == "running")
        c.kill()  # no `stop` event, only `die`, which comes before the list says so
        assert _until(lambda: recorder.states.get(c.id) == "exited"), recorder.states.get(c.id)
        c.remove()
        assert _until(lambda: c.id in recorder.removed)
        assert recorder.snapshots == 1  # targeted updates, not a fresh listing per event
    finally:
        watcher.stop()
        thread.join(10)
    assert not thread.is_alive()
