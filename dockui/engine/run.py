"""Run an image: create + start a container, and the checks the run form makes first.

Blocking calls, for thread workers. Every string handed out is sanitized with :func:`clean`,
and every failure is an :class:`EngineError` whose message is fit for a user.

The port checks look for what would make ``docker run -p`` fail: a running container that
publishes the host port, or (for a local engine) a local process listening on it, found the way
``ss -p`` does: ``/proc/net/tcp{,6}`` LISTEN entries give the socket inode, ``/proc/PID/fd``
links tell which process holds it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import socket
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors
import requests.exceptions

from dockui.engine.models import ContainerInfo
from dockui.engine.options import OptionError, RunSpec, VolumeSpec
from dockui.engine.sanitize import clean
from dockui.engine.service import EngineError, describe_error

PROC = Path("/proc")
DOCKER_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")
"""Where a local engine's socket usually is: mounting it hands the container the engine."""

# /proc/net/{tcp,udp}[6] "st" column: TCP_LISTEN, and TCP_CLOSE for a bound UDP socket.
_LISTEN_STATES = {"tcp": "0A", "udp": "07"}


class StartFailed(EngineError):
    """The container was created but did not start.

    Attributes:
        container_id: The half-made container (still there unless ``exists`` is False).
        message: The engine's reason, sanitized.
        exists: False when the engine already removed it (``--rm`` does so on a failed start).
    """

    def __init__(self, container_id: str, message: str, exists: bool = True) -> None:
        super().__init__(message)
        self.container_id = container_id
        self.message = message
        self.exists = exists


@contextlib.contextmanager
def _engine_errors() -> Iterator[None]:
    """Turn docker-py, requests and OS errors into an :class:`EngineError`."""
    try:
        yield
    except OptionError as exc:
        raise EngineError(clean(str(exc))) from exc
    except (docker.errors.DockerException, requests.exceptions.RequestException,
            OSError) as exc:
        raise EngineError(describe_error(exc)) from exc


def _client(api: docker.APIClient) -> docker.DockerClient:
    """A high-level client on an existing low-level one (no second connection)."""
    # DockerClient.__init__ would open its own connection; the models only need ``.api``.
    client = docker.DockerClient.__new__(docker.DockerClient)
    client.api = api
    return client


def create_and_start(api: docker.APIClient, spec: RunSpec, labels: Mapping[str, str],
                     project_dir: Path, environ: Mapping[str, str] | None = None) -> str:
    """Create a container as ``docker run`` would and start it.

    Args:
        api: The engine's low-level client.
        spec: What to run (already checked by the form).
        labels: Labels to put on the container.
        project_dir: Where relative env-file paths start.
        environ: For bare ``KEY`` lines of env files; dockui's environment by default.

    Returns:
        The new container's id.

    Raises:
        StartFailed: Created, but the start failed (a port taken, a missing command...).
        EngineError: Nothing was created (bad image, name in use, engine gone...).
    """
    with _engine_errors():
        kwargs = spec.to_create_kwargs(labels, project_dir=project_dir, environ=environ)
        container = _client(api).containers.create(spec.image, **kwargs)
    try:
        api.start(container.id)
    except (docker.errors.DockerException, requests.exceptions.RequestException,
            OSError) as exc:
        raise StartFailed(container.id, describe_error(exc),
                          _exists(api, container.id)) from exc
    return container.id


def _exists(api: docker.APIClient, container_id: str) -> bool:
    try:
        api.inspect_container(container_id)
    except docker.errors.NotFound:
        return False
    except (docker.errors.DockerException, requests.exceptions.RequestException, OSError):
        return True  # unknown: let the user decide rather than claim it is gone
    return True


def remove_quietly(api: docker.APIClient, container_id: str) -> None:
    """Remove a container and its anonymous volumes; a container already gone is fine."""
    with contextlib.suppress(docker.errors.DockerException,
                             requests.exceptions.RequestException, OSError):
        api.remove_container(container_id, v=True, force=True)


def list_networks(api: docker.APIClient) -> list[str]:
    """The engine's network names, sorted.

    Raises:
        EngineError: The engine did not answer.
    """
    with _engine_errors():
        rows = api.networks()
    return sorted({clean(row.get("Name", "")) for row in rows} - {""})


# --------------------------------------------------------------------------------------------
# Risky mounts
# --------------------------------------------------------------------------------------------

def risky_mounts(volumes: Iterable[VolumeSpec], home: Path,
                 sockets: Iterable[str] = DOCKER_SOCKETS) -> list[str]:
    """Why each risky bind mount is risky: ``/``, ``/etc``, the home folder, the socket.

    Args:
        volumes: The form's mounts.
        home: The user's home folder.
        sockets: Paths of the engine's socket.

    Returns:
        One sentence per risky mount, naming it.
    """
    reasons = []
    socket_paths = {posixpath.normpath(s) for s in sockets}
    for volume in volumes:
        if volume.kind != "bind":
            continue
        source = posixpath.normpath(volume.source)
        reason = _mount_risk(source, str(home), socket_paths)
        if reason:
            reasons.append(f"{volume.spec}: {reason}")
    return reasons


def _mount_risk(source: str, home: str, sockets: set[str]) -> str:
    if source == "/":
        return "the host's whole file system, writable from the container"
    if source == "/etc" or source.startswith("/etc/"):
        return "the host's system configuration"
    if source == posixpath.normpath(home):
        return "your home folder (keys, tokens, shell history)"
    if source in sockets:
        return "the Docker socket: the container gets full control of the engine (root)"
    return ""


# --------------------------------------------------------------------------------------------
# Taken ports
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PortHolder:
    """Who holds a host port.

    Attributes:
        kind: ``container``, ``process`` or ``unknown``.
        name: The container's name or the process's command name (sanitized).
        pid: The process id, for ``process``.
    """

    kind: str
    name: str = ""
    pid: int = 0

    def describe(self) -> str:
        """A phrase for a sentence: ``the container web``, ``the process nginx (pid 12)``."""
        if self.kind == "container":
            return f"the container {self.name}"
        if self.kind == "process":
            return f"the process {self.name} (pid {self.pid})"
        return "another program (its process is not visible to dockui)"


def port_holder(port: int, ip: str | None, containers: Iterable[ContainerInfo], *,
                proto: str = "tcp", local: bool = True,
                proc: Path = PROC) -> PortHolder | None:
    """Who holds ``port`` on the host, or None when it looks free.

    Containers come first (their ports are in the engine's list); then, for a local engine,
    the port is bound once to see if it is free, and its holder looked up in ``/proc``.

    Args:
        port: The host port.
        ip: The host address the form binds (None for all addresses).
        containers: The engine's containers.
        proto: ``tcp`` or ``udp`` (``sctp`` is only checked against containers).
        local: The engine runs on this machine (a unix socket): check local processes too.
        proc: The proc file system (for tests).
    """
    holder = container_holding(port, ip, containers, proto)
    if holder is not None or not local or proto not in _LISTEN_STATES:
        return holder
    if port_is_free(port, ip, proto):
        return None
    return process_holding(port, proto, proc) or PortHolder("unknown")


def container_holding(port: int, ip: str | None, containers: Iterable[ContainerInfo],
                      proto: str = "tcp") -> PortHolder | None:
    """The running container that publishes ``port``/``proto`` on an overlapping address."""
    for container in containers:
        if not container.running:
            continue
        for published in container.ports:
            if (published.public_port == port and published.proto == proto
                    and _addresses_overlap(ip, published.ip)):
                return PortHolder("container", container.name)
    return None


def _addresses_overlap(wanted: str | None, held: str) -> bool:
    unspecified = ("", "0.0.0.0", "::")
    return not wanted or wanted in unspecified or held in unspecified or wanted == held


def port_is_free(port: int, ip: str | None, proto: str = "tcp") -> bool:
    """Whether a local socket can bind ``ip:port`` now (True when that cannot be told)."""
    host = ip or "0.0.0.0"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    try:
        with socket.socket(family, kind) as probe:
            # A port in TIME_WAIT is free for a new listener; only a live one blocks it.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        return exc.errno != errno.EADDRINUSE  # e.g. EACCES for a low port: cannot tell
    return True


def listening_inodes(table: str, port: int, state: str = "0A") -> set[int]:
    """Socket inodes in a ``/proc/net/tcp``-style table bound to ``port`` in ``state``.

    Args:
        table: The file's text (header line included).
        port: The local port.
        state: The ``st`` column to match: ``0A`` is LISTEN for TCP.
    """
    inodes = set()
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10:
            continue
        _, _, local_port = fields[1].rpartition(":")
        try:
            if int(local_port, 16) == port and fields[3].upper() == state:
                inodes.add(int(fields[9]))
        except ValueError:
            continue
    return inodes - {0}


def process_holding(port: int, proto: str = "tcp", proc: Path = PROC) -> PortHolder | None:
    """The local process whose socket listens on ``port`` (None if none is visible)."""
    inodes: set[int] = set()
    for name in (proto, f"{proto}6"):
        with contextlib.suppress(OSError):
            text = (proc / "net" / name).read_text()
            inodes |= listening_inodes(text, port, _LISTEN_STATES[proto])
    if not inodes:
        return None
    found = socket_owner(inodes, proc)
    return PortHolder("process", found[1], found[0]) if found else None


def socket_owner(inodes: set[int], proc: Path = PROC) -> tuple[int, str] | None:
    """``(pid, command name)`` of a process holding one of the socket ``inodes``."""
    targets = {f"socket:[{inode}]" for inode in inodes}
    for pid_dir in _pid_dirs(proc):
        if any(link in targets for link in _fd_links(pid_dir)):
            try:
                comm = (pid_dir / "comm").read_text().strip()
            except OSError:
                comm = "?"
            return int(pid_dir.name), clean(comm)
    return None


def _pid_dirs(proc: Path) -> list[Path]:
    try:
        return sorted((p for p in proc.iterdir() if p.name.isdigit()),
                      key=lambda p: int(p.name))
    except OSError:
        return []


def _fd_links(pid_dir: Path) -> Iterator[str]:
    try:
        names = os.listdir(pid_dir / "fd")
    except OSError:  # the process ended, or belongs to another user
        return
    for name in names:
        with contextlib.suppress(OSError):
            yield os.readlink(pid_dir / "fd" / name)


def taken_ports(spec: RunSpec, containers: Iterable[ContainerInfo], *,
                local: bool = True, proc: Path = PROC) -> list[str]:
    """One sentence per host port of ``spec`` that something already holds.

    Ranges (``8000-8005:80``) are left out: the engine picks a free port in them.
    """
    containers = list(containers)
    problems = []
    for binding in spec.ports:
        if binding.host_port is None or binding.host_port_end is not None:
            continue
        holder = port_holder(binding.host_port, binding.host_ip, containers,
                             proto=binding.proto, local=local, proc=proc)
        if holder is not None:
            where = f"{binding.host_ip}:" if binding.host_ip else ""
            problems.append(f"host port {where}{binding.host_port}/{binding.proto} is held by "
                            f"{holder.describe()}")
    return problems


def engine_socket_paths(host: str) -> tuple[str, ...]:
    """The usual socket paths, plus the one ``host`` (``unix:///...``) names."""
    extra = (host.removeprefix("unix://"),) if host.startswith("unix://") else ()
    return tuple(dict.fromkeys((*DOCKER_SOCKETS, *extra)))

