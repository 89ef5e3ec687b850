"""A throwaway OpenSSH server on loopback, and a client HOME that knows (or not) its key.

The remote side is this same machine: ``docker system dial-stdio`` run over ssh reaches the
engine the tests use, so an ``ssh://root@127.0.0.1:PORT`` engine is the real engine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSHD = "/usr/sbin/sshd"


def ensure_sshd() -> str:
    """The sshd binary, installed from Debian's openssh-server when missing."""
    if not os.path.exists(SSHD):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", "openssh-server"], env=env,
                       check=True, capture_output=True, timeout=600)
    # sshd refuses to start without its privilege separation folder.
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    return SSHD


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path, comment: str = "dockui-test") -> Path:
    """An unencrypted ed25519 key pair at ``path`` (and ``path.pub``)."""
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment,
                    "-f", str(path)], check=True, capture_output=True, timeout=60)
    return path


@dataclass
class SshServer:
    """sshd on ``127.0.0.1:port`` accepting ``client_key`` for root, until :meth:`stop`."""

    workdir: Path
    extra_config: str = ""
    """More sshd_config lines (e.g. a ForceCommand that breaks the remote docker)."""
    port: int = 0
    client_key: Path | None = None
    host_key: Path | None = None
    _proc: subprocess.Popen | None = None

    def start(self) -> SshServer:
        sshd = ensure_sshd()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.host_key = keygen(self.workdir / "host_ed25519", "dockui-test-host")
        self.client_key = keygen(self.workdir / "client_ed25519")
        authorized = self.workdir / "authorized_keys"
        shutil.copy(self.client_key.with_suffix(".pub"), authorized)
        self.port = free_port()
        config = self.workdir / "sshd_config"
        config.write_text(_SSHD_CONFIG.format(port=self.port, host_key=self.host_key,
                                              pid=self.workdir / "sshd.pid",
                                              authorized=authorized) + self.extra_config)
        log = (self.workdir / "sshd.log").open("wb")
        # -D: stay in the foreground (a child we can stop); -e: log to our file.
        self._proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)],
                                      stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        self._wait_listening()
        return self

    def _wait_listening(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise RuntimeError("sshd exited: " + self.log())
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.05)
        raise RuntimeError("sshd did not listen: " + self.log())

    def log(self) -> str:
        path = self.workdir / "sshd.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    @property
    def url(self) -> str:
        return f"ssh://root@127.0.0.1:{self.port}"

    def known_hosts_line(self) -> str:
        """The host key as ssh writes it into known_hosts for a non-22 port."""
        assert self.host_key is not None
        kind, key = self.host_key.with_suffix(".pub").read_text().split()[:2]
        return f"[127.0.0.1]:{self.port} {kind} {key}\n"

    def client_home(self, home: Path, *, known: bool = True,
                    key: Path | None = None) -> Path:
        """Write ``home/.ssh`` for a client: config with the key, and known_hosts.

        Args:
            home: The folder to use as ``$HOME``.
            known: Put the server's key in known_hosts (else known_hosts is empty).
            key: The identity to offer (default: the one the server accepts).
        """
        ssh_dir = home / ".ssh"
        ssh_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        known_hosts = ssh_dir / "known_hosts"
        known_hosts.write_text(self.known_hosts_line() if known else "")
        (ssh_dir / "config").write_text(
            "Host 127.0.0.1\n"
            f"    IdentityFile {key or self.client_key}\n"
            "    IdentitiesOnly yes\n"
            f"    UserKnownHostsFile {known_hosts}\n"
            "    GlobalKnownHostsFile /dev/null\n")
        return home


_SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {pid}
AuthorizedKeysFile {authorized}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
# docker-py opens one ssh channel per HTTP connection: allow more than the default 10.
MaxSessions 64
LogLevel VERBOSE
"""


def ssh_wrapper(folder: Path) -> Path:
    """An ``ssh`` that reads ``$HOME/.ssh/config``, for PATH in tests of the system client.

    OpenSSH finds ``~/.ssh`` through the password database, not ``$HOME``, so a test's
    temporary HOME would be ignored without this.
    """
    folder.mkdir(parents=True, exist_ok=True)
    wrapper = folder / "ssh"
    wrapper.write_text('#!/bin/sh\n'
                       'config="$HOME/.ssh/config"\n'
                       '[ -f "$config" ] && exec /usr/bin/ssh -F "$config" "$@"\n'
                       'exec /usr/bin/ssh "$@"\n')
    wrapper.chmod(0o755)
    return wrapper
