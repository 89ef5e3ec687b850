"""A second engine address for tests: TLS with client certificates, on a loopback port.

No second dockerd: a small TLS-terminating proxy forwards each connection to the real
engine's socket, so ``tcp://127.0.0.1:PORT`` with TLS reaches the engine the tests use.
Certificates come from the ``openssl`` CLI; the docker context is written as the CLI writes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from tests.support.socket_proxy import pump

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@dataclass(frozen=True)
class Pki:
    """A test CA and what it signed: the server's and a client's certificate and key."""

    folder: Path

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def server(self) -> tuple[Path, Path]:
        return self.folder / "server-cert.pem", self.folder / "server-key.pem"

    @property
    def client(self) -> tuple[Path, Path]:
        return self.folder / "cert.pem", self.folder / "key.pem"

    def cert_dir(self, folder: Path) -> Path:
        """``ca.pem``, ``cert.pem`` and ``key.pem`` in ``folder``, as DOCKER_CERT_PATH wants."""
        folder.mkdir(parents=True, exist_ok=True)
        for source, name in ((self.ca, "ca.pem"), (self.client[0], "cert.pem"),
                             (self.client[1], "key.pem")):
            shutil.copy(source, folder / name)
        return folder


def make_pki(folder: Path, name: str = "dockui test CA") -> Pki:
    """Make a CA, a server certificate for IP 127.0.0.1, and a client certificate."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", *_EC, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
             "-subj", f"/CN={name}", cwd=folder)
    _sign(folder, "server", "/CN=127.0.0.1",
          "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    _sign(folder, "client", "/CN=dockui-client", "extendedKeyUsage=clientAuth\n")
    (folder / "client-cert.pem").rename(folder / "cert.pem")
    (folder / "client-key.pem").rename(folder / "key.pem")
    return Pki(folder)


def _sign(folder: Path, stem: str, subject: str, extensions: str) -> None:
    (folder / f"{stem}.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n" + extensions)
    _openssl("req", *_EC, "-keyout", f"{stem}-key.pem", "-out", f"{stem}.csr",
             "-subj", subject, cwd=folder)
    _openssl("x509", "-req", "-in", f"{stem}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
             "-set_serial", str(int.from_bytes(stem.encode(), "big")), "-days", "2",
             "-extfile", f"{stem}.ext", "-out", f"{stem}-cert.pem", cwd=folder)


class TlsEngineProxy:
    """``tcp://127.0.0.1:PORT`` with TLS (client certificates required) → the engine socket."""

    def __init__(self, pki: Pki, upstream: str = "/var/run/docker.sock") -> None:
        self.upstream = upstream
        self.port = 0
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=pki.ca)
        self._context.verify_mode = ssl.CERT_REQUIRED
        self._context.load_cert_chain(*pki.server)
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> TlsEngineProxy:
        server = socket.create_server(("127.0.0.1", self.port))
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
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
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        # The handshake happens here, per connection: a bad client cannot stall the others.
        try:
            raw.settimeout(10)
            tls = self._context.wrap_socket(raw, server_side=True)
            tls.settimeout(None)
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.upstream)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        with self._lock:
            self._conns += [tls, upstream]
        pump(tls, upstream)


def write_context(config_dir: Path, name: str, host: str, certs: Path | None = None,
                  *, skip_verify: bool = False) -> None:
    """Store a docker context as ``docker context create`` does.

    Args:
        config_dir: The DOCKER_CONFIG folder (a ``config.json`` is created if missing:
            docker-py finds the contexts through it).
        name: The context's name.
        host: Its docker endpoint.
        certs: A folder with ``ca.pem``, ``cert.pem`` and ``key.pem`` to store with it.
        skip_verify: The context's ``SkipTLSVerify``.
    """
    digest = hashlib.sha256(name.encode()).hexdigest()
    config = config_dir / "config.json"
    if not config.exists():
        config.write_text("{}")
    meta = config_dir / "contexts" / "meta" / digest
    meta.mkdir(parents=True, exist_ok=True)
    (meta / "meta.json").write_text(json.dumps({
        "Name": name, "Metadata": {},
        "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_verify}}}))
    if certs is not None:
        tls = config_dir / "contexts" / "tls" / digest / "docker"
        tls.mkdir(parents=True, exist_ok=True)
        for file in ("ca.pem", "cert.pem", "key.pem"):
            shutil.copy(certs / file, tls / file)
