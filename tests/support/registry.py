"""Real registries for the push tests: Debian's ``docker-registry`` on loopback ports.

dockerd treats 127.0.0.0/8 as an insecure registry by default, so plain http works without
touching the engine's configuration. Each registry is our own process with a generated config,
never the packaged systemd service.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REGISTRY_BINARY = "/usr/bin/docker-registry"
START_TIMEOUT = 10.0
USERNAME = "dockui"
PASSWORD = "push-me-please"

CONFIG = """\
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {root}/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""
AUTH_CONFIG = """\
auth:
  htpasswd:
    realm: dockui-test
    path: {root}/htpasswd
"""


@dataclass
class Registry:
    """A running registry; ``host`` is what goes in front of a repository name."""

    host: str
    process: subprocess.Popen
    root: Path
    username: str = ""
    password: str = ""

    def stop(self) -> None:
        """Stop the process (kill if it lingers) and delete its storage."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)


def _apt_install(package: str, binary: str) -> str:
    if not Path(binary).exists():
        subprocess.run(["apt-get", "install", "-y", package], check=True,
                       capture_output=True, timeout=300)
    return binary


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def htpasswd_line(username: str, password: str) -> str:
    """A bcrypt htpasswd entry (the only hash the registry accepts), via apache2-utils."""
    htpasswd = _apt_install("apache2-utils", "/usr/bin/htpasswd")
    result = subprocess.run([htpasswd, "-Bbn", username, password], check=True,
                            capture_output=True, text=True, timeout=30)
    return result.stdout.strip() + "\n"


def start_registry(*, with_auth: bool = False) -> Registry:
    """Start a registry on a free loopback port and wait until it answers."""
    binary = _apt_install("docker-registry", REGISTRY_BINARY)
    root = Path(tempfile.mkdtemp(prefix="dockui-registry-"))
    port = free_port()
    config = CONFIG.format(root=root, port=port)
    username = password = ""
    if with_auth:
        username, password = USERNAME, PASSWORD
        (root / "htpasswd").write_text(htpasswd_line(username, password))
        config += AUTH_CONFIG.format(root=root)
    (root / "config.yml").write_text(config)
    log = (root / "registry.log").open("wb")
    process = subprocess.Popen([binary, "serve", str(root / "config.yml")],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    registry = Registry(f"127.0.0.1:{port}", process, root, username, password)
    try:
        _wait_until_up(registry)
    except BaseException:
        registry.stop()
        raise
    return registry


def _wait_until_up(registry: Registry) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if registry.process.poll() is not None:
            log = (registry.root / "registry.log").read_text(errors="replace")
            raise RuntimeError(f"docker-registry exited: {log.strip()}")
        try:
            urllib.request.urlopen(f"http://{registry.host}/v2/", timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # 401 from an auth registry: it is up
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"docker-registry on {registry.host} did not answer in time")


@contextlib.contextmanager
def running_registry(*, with_auth: bool = False) -> Iterator[Registry]:
    """A registry for the duration of the block."""
    registry = start_registry(with_auth=with_auth)
    try:
        yield registry
    finally:
        registry.stop()


# Named apart from the fixture, so a test module can import it without shadowing warnings.
@pytest.fixture(scope="module", name="open_registry")
def open_registry_fixture() -> Iterator[Registry]:
    """A registry anyone may push to."""
    with running_registry() as registry:
        yield registry


@pytest.fixture(scope="module", name="auth_registry")
def auth_registry_fixture() -> Iterator[Registry]:
    """A registry that wants ``registry.username`` / ``registry.password`` (htpasswd)."""
    with running_registry(with_auth=True) as registry:
        yield registry
