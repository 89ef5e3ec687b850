"""A unix-socket forwarder in front of the real engine, to cut and restore the link in tests."""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import threading
from pathlib import Path


class SocketProxy:
    """Forward ``path`` to ``upstream``; :meth:`stop` drops every connection, like a crash."""

    def __init__(self, path: Path, upstream: str = "/var/run/docker.sock") -> None:
        self.path = Path(path)
        self.upstream = upstream
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(self.path))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.upstream)
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        pump(a, b)


def pump(a: socket.socket, b: socket.socket) -> None:
    """Copy both ways in one thread until either side closes (an SSL socket is fine too)."""
    sel = selectors.DefaultSelector()
    sel.register(a, selectors.EVENT_READ, b)
    sel.register(b, selectors.EVENT_READ, a)
    try:
        while True:
            for key, _ in sel.select():
                source = key.fileobj
                data = source.recv(65536)  # type: ignore[union-attr]
                # Decrypted bytes already buffered in an SSL object never wake select().
                pending = getattr(source, "pending", None)
                while data and pending is not None and pending():
                    data += source.recv(pending())  # type: ignore[union-attr]
                if not data:
                    return
                key.data.sendall(data)
    except OSError:  # ssl.SSLError included
        return
    finally:
        sel.close()
        a.close()
        b.close()
