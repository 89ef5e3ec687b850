"""docker-py is imported late, so start-up does not wait for it, and by one thread at a time.

Its modules import each other in a circle; two threads importing it at once (the watcher and
the project scan, say) can see a half-made module and fail.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()


def load_docker() -> None:
    """Import docker-py, or wait while another thread does."""
    with _lock:
        import docker  # noqa: F401
