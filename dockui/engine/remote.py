"""Reach an engine over ssh without trusting an unknown host, prompting, or hanging.

docker-py's ssh transports are close to what dockui needs, with gaps this module fills:

* no deadline: paramiko's connect and the system ssh client can wait for minutes (a channel
  open for up to an hour). Here every step (TCP connect, banner, login, channel) has one.
* host keys: docker-py 7.2's paramiko path does refuse unknown keys (``RejectPolicy``) but
  reads only ``~/.ssh/known_hosts``; here the ssh config's ``UserKnownHostsFile`` and
  ``GlobalKnownHostsFile`` count too, and each refusal says how to add the key. The ssh client
  runs with ``StrictHostKeyChecking=yes``, so ``accept-new`` in a config cannot add one.
* the terminal: docker-py's system ssh client would ask for a password or a host key on the
  TUI's terminal and print its errors there. Here it runs in batch mode, in a session of its
  own (no controlling terminal), its complaints captured and turned into a sentence.
* paramiko's channel file lacks ``read1``; responses here are read through a standard
  buffered reader, so streamed bodies (logs) arrive as they come.

:func:`ssh_api_client` builds a docker-py ``APIClient`` on dockui's own ssh adapter;
:func:`preflight` checks an ssh target alone, without an engine request.
"""

from __future__ import annotations

import contextlib
import getpass
import io
import logging
import math
import os
import shlex
import socket
import subprocess
import urllib.parse
from dataclasses import dataclass

import paramiko
from docker import APIClient
from docker.constants import (
    DEFAULT_MAX_POOL_SIZE,
    DEFAULT_NUM_POOLS_SSH,
    MINIMUM_DOCKER_API_VERSION,
)
from docker.transport.sshconn import (
    SSHConnection,
    SSHConnectionPool,
    SSHHTTPAdapter,
    SSHSocket,
)

from dockui.engine.resolve import EngineTarget
from dockui.engine.sanitize import clean
from dockui.engine.service import EngineError

SSH_CONFIG = "~/.ssh/config"
USER_KNOWN_HOSTS = ("~/.ssh/known_hosts", "~/.ssh/known_hosts2")
GLOBAL_KNOWN_HOSTS = ("/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2")
KEEPALIVE = 15
"""Seconds between keepalives, so a dead link is noticed rather than waited on."""
CHANNEL_OPEN_TIMEOUT = 30.0
"""Longest wait for the server to open a channel, when a request itself has no timeout."""
DIAL_COMMAND = "docker system dial-stdio"
CHECK_COMMAND = "docker version --format '{{.Server.Version}}'"
_SSH_OPTIONS = (
    # Never prompt (password, passphrase, host key) and never accept an unknown host key.
    "BatchMode=yes", "StrictHostKeyChecking=yes",
    f"ServerAliveInterval={KEEPALIVE}", "ServerAliveCountMax=3",
)


# paramiko logs its transport thread's failures; unhandled, logging would print them on the
# terminal under the TUI. Each failure reaches the user as an SshError instead.
logging.getLogger("paramiko").addHandler(logging.NullHandler())


class SshError(EngineError):
    """An ssh target cannot be reached or logged in to; ``str()`` says why and what to do."""


@dataclass(frozen=True)
class SshSettings:
    """Where and how to log in, from the URL and ``~/.ssh/config`` (as docker-py reads it)."""

    alias: str
    """The host as written in the URL: what ssh config ``Host`` lines match."""
    hostname: str
    port: int
    user: str | None
    identity_files: tuple[str, ...] = ()
    identities_only: bool = False
    known_hosts: tuple[str, ...] = ()
    proxy_command: str | None = None

    @property
    def login(self) -> str:
        """``user@host:port`` for messages."""
        return f"{self.user or getpass.getuser()}@{self.hostname}:{self.port}"

    @property
    def host_key_name(self) -> str:
        """The name the host's key has in known_hosts: ``host`` or ``[host]:port``."""
        return self.hostname if self.port == 22 else f"[{self.hostname}]:{self.port}"

    def keyscan_hint(self) -> str:
        """How to add the host key, for messages."""
        port = f"-p {self.port} " if self.port != 22 else ""
        login = f"{self.user}@{self.alias}" if self.user else self.alias
        return (f"check it and add it with `ssh-keyscan {port}{self.hostname} >> "
                f"~/.ssh/known_hosts`, or run `ssh {port}{login}` once by hand")


def ssh_settings(url: str, config_path: str | None = None) -> SshSettings:
    """Read ``ssh://[user@]host[:port]`` and the ssh config's entry for ``host``.

    Args:
        url: The engine URL.
        config_path: The ssh config to read (default ``~/.ssh/config``, ``$HOME`` expanded as
            docker-py does).

    Raises:
        SshError: The URL is not a usable ssh URL, or the ssh config cannot be read.
    """
    parts = urllib.parse.urlsplit(url)
    try:
        url_port = parts.port
    except ValueError as exc:
        raise SshError(f"bad port in {url}") from exc
    if parts.scheme != "ssh" or not parts.hostname:
        raise SshError(f"not an ssh://[user@]host[:port] address: {url}")
    options = _ssh_config_for(parts.hostname, config_path)
    return SshSettings(
        alias=parts.hostname,
        hostname=options.get("hostname", parts.hostname),
        port=url_port or int(options.get("port", 22)),
        user=parts.username or options.get("user"),
        identity_files=tuple(os.path.expanduser(p) for p in options.get("identityfile", [])),
        identities_only=options.get("identitiesonly", "no").lower() == "yes",
        known_hosts=_known_hosts_files(options),
        proxy_command=_proxy_command(options),
    )


def _ssh_config_for(alias: str, config_path: str | None) -> dict:
    path = os.path.expanduser(config_path or SSH_CONFIG)
    if not os.path.exists(path):
        return {}
    try:
        return dict(paramiko.SSHConfig.from_path(path).lookup(alias))
    except (OSError, paramiko.ssh_exception.ConfigParseError) as exc:
        raise SshError(f"cannot read {path}: {exc}") from exc


def _known_hosts_files(options: dict) -> tuple[str, ...]:
    user = options.get("userknownhostsfile", "").split() or USER_KNOWN_HOSTS
    system = options.get("globalknownhostsfile", "").split() or GLOBAL_KNOWN_HOSTS
    return tuple(os.path.expanduser(p) for p in (*user, *system))


def _proxy_command(options: dict) -> str | None:
    command = options.get("proxycommand")
    if command and command.lower() != "none":
        return command
    jump = options.get("proxyjump")
    if jump and jump.lower() != "none":
        # ProxyJump a,b,c is "reach c through a,b": the same through ssh -W, in batch mode.
        *via, last = jump.split(",")
        hops = ["-J", ",".join(via)] if via else []
        return shlex.join(["ssh", "-o", "BatchMode=yes", *hops, "-W", "%h:%p", last])
    return None


# The paramiko transport -----------------------------------------------------------------------

class _QuietProxyCommand(paramiko.ProxyCommand):
    """paramiko's ProxyCommand, started without a controlling terminal so it cannot prompt."""

    def __init__(self, command_line: str) -> None:
        self.cmd = shlex.split(command_line)
        self.process = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, bufsize=0,
                                        start_new_session=True)
        self.timeout = None


def open_ssh(settings: SshSettings, timeout: float) -> paramiko.SSHClient:
    """Log in with paramiko, refusing unknown host keys, giving up after ``timeout`` seconds.

    Raises:
        SshError: Unknown or changed host key, refused login, unreachable host, or timeout.
    """
    client = paramiko.SSHClient()
    for path in settings.known_hosts:
        if os.path.isfile(path):
            try:
                client.load_system_host_keys(path)  # "system": never written back to
            except (OSError, paramiko.SSHException):
                continue
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        _login(client, settings, timeout)
    except Exception as exc:
        # A failure in paramiko's transport thread surfaces as a vague "No existing
        # session"; the thread's own exception says what happened.
        transport = client.get_transport()
        cause = getattr(transport, "saved_exception", None) or exc
        client.close()
        raise SshError(explain_ssh_error(cause, settings, timeout)) from exc
    transport = client.get_transport()
    if transport is not None:
        transport.set_keepalive(KEEPALIVE)
    return client


def _login(client: paramiko.SSHClient, settings: SshSettings, timeout: float) -> None:
    sock = None
    if settings.proxy_command:
        command = (settings.proxy_command.replace("%h", settings.hostname)
                   .replace("%p", str(settings.port))
                   .replace("%r", settings.user or getpass.getuser()))
        sock = _QuietProxyCommand(command)
    keys_only = settings.identities_only and bool(settings.identity_files)
    client.connect(
        settings.hostname, settings.port, username=settings.user,
        key_filename=list(settings.identity_files) or None,
        allow_agent=not keys_only, look_for_keys=not keys_only, sock=sock,
        timeout=timeout, banner_timeout=timeout, auth_timeout=timeout, channel_timeout=timeout,
    )


def explain_ssh_error(exc: BaseException, settings: SshSettings, timeout: float) -> str:
    """One sentence on why an ssh login failed, and what to do about it."""
    where = f"{settings.hostname}:{settings.port}"
    if isinstance(exc, paramiko.BadHostKeyException):
        return (f"the ssh host key of {where} has CHANGED since it was saved in known_hosts: "
                "the connection may be intercepted. If the server was reinstalled, remove the "
                f"old key with `ssh-keygen -R '{settings.host_key_name}'` and add the new one")
    if isinstance(exc, paramiko.SSHException) and "not found in known_hosts" in str(exc):
        return (f"the ssh host key of {where} is unknown and dockui never accepts one "
                f"unchecked: {settings.keyscan_hint()}")
    if isinstance(exc, paramiko.PasswordRequiredException):
        return (f"the ssh key for {settings.login} needs a passphrase: load it into ssh-agent "
                "with `ssh-add` (dockui never asks for passwords)")
    if isinstance(exc, paramiko.AuthenticationException):
        return (f"ssh login refused for {settings.login}: no key offered was accepted. Add "
                "your public key to the server's authorized_keys, or name the right key with "
                "IdentityFile in ~/.ssh/config (dockui never asks for passwords)")
    if isinstance(exc, paramiko.ssh_exception.NoValidConnectionsError):
        return f"connection refused at {where}: is sshd running there, on that port?"
    if isinstance(exc, socket.gaierror):
        return f"unknown host {settings.hostname}"
    if _is_timeout(exc):
        return f"no answer from the ssh server at {where} within {timeout:.0f} s"
    if isinstance(exc, OSError):
        return clean(f"cannot reach {where}: {exc.strerror or exc}")
    return clean(f"ssh to {settings.login} failed: {exc}")


def _is_timeout(exc: BaseException) -> bool:
    text = str(exc).lower()
    # "No existing session": paramiko's handshake wait ran out before the server spoke.
    return isinstance(exc, TimeoutError | socket.timeout) or any(
        marker in text for marker in ("timed out", "banner", "no existing session"))


# The system ssh client ----------------------------------------------------------------------

def ssh_client_command(url: str, remote_command: str, timeout: float) -> list[str]:
    """The ``ssh`` command line for ``url``: batch mode, strict host keys, a connect timeout.

    Only the URL's own parts are passed: ssh applies ``~/.ssh/config`` itself.
    """
    parts = urllib.parse.urlsplit(url)
    args = ["ssh"]
    for option in (*_SSH_OPTIONS, f"ConnectTimeout={max(1, math.ceil(timeout))}"):
        args += ["-o", option]
    if parts.username:
        args += ["-l", parts.username]
    if parts.port:
        args += ["-p", str(parts.port)]
    return [*args, "--", parts.hostname or "", remote_command]


def _ssh_env() -> dict[str, str]:
    env = dict(os.environ)
    # As docker-py does: the app's own library paths must not leak into ssh.
    env.pop("LD_LIBRARY_PATH", None)
    env.pop("SSL_CERT_FILE", None)
    return env


def check_ssh_client(url: str, timeout: float) -> None:
    """Run ``docker version`` on the remote through the system ssh client, in batch mode.

    Raises:
        SshError: ssh failed (with ssh's reason, explained) or docker failed on the remote.
    """
    settings = _settings_for_messages(url)
    command = ssh_client_command(url, CHECK_COMMAND, timeout)
    try:
        result = subprocess.run(command, env=_ssh_env(), stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, errors="replace",
                                timeout=timeout + 2, start_new_session=True)
    except FileNotFoundError as exc:
        raise SshError("the system ssh client (`ssh`) is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise SshError(f"no answer from the ssh server at {settings.hostname}:"
                       f"{settings.port} within {timeout:.0f} s") from exc
    if result.returncode != 0:
        raise SshError(explain_ssh_client_failure(result.returncode, result.stderr, settings))


def _settings_for_messages(url: str) -> SshSettings:
    # ssh reads its config itself; paramiko's reading only names things in messages, so a
    # config paramiko cannot parse must not stop the system client.
    try:
        return ssh_settings(url)
    except SshError:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or url
        return SshSettings(alias=host, hostname=host, port=parts.port or 22,
                           user=parts.username)


def explain_ssh_client_failure(code: int, stderr: str, settings: SshSettings) -> str:
    """Turn the system ssh client's exit status and complaints into one sentence."""
    where = f"{settings.hostname}:{settings.port}"
    text = stderr.strip()
    for marker, message in (
        ("IDENTIFICATION HAS CHANGED", f"the ssh host key of {where} has CHANGED since it was "
                                       "saved in known_hosts: the connection may be "
                                       "intercepted. If the server was reinstalled, remove the "
                                       "old key with `ssh-keygen -R "
                                       f"'{settings.host_key_name}'` and add the new one"),
        ("host key is known", f"the ssh host key of {where} is unknown and dockui never "
                              f"accepts one unchecked: {settings.keyscan_hint()}"),
        ("Host key verification failed", f"the ssh host key of {where} could not be "
                                         f"verified: {settings.keyscan_hint()}"),
        ("Permission denied", f"ssh login refused for {settings.login}: no key offered was "
                              "accepted (batch mode: dockui never asks for passwords; use a "
                              "key or ssh-agent)"),
        ("Connection refused", f"connection refused at {where}: is sshd running there?"),
        ("timed out", f"no answer from the ssh server at {where} (timed out)"),
        ("Could not resolve hostname", f"unknown host {settings.hostname}"),
        ("command not found", f"the docker CLI is not installed on {settings.hostname} (or "
                              "not on the PATH of ssh sessions): it is needed there"),
        ("permission denied while trying to connect", f"{settings.login} may not use the "
                                                      "engine there (add it to the docker "
                                                      "group)"),
    ):
        if marker in text:
            return message
    last = text.splitlines()[-1] if text else f"exit status {code}"
    return clean(f"ssh to {settings.login} failed: {last}")


class _BatchSSHSocket(SSHSocket):
    """docker-py's ssh-client socket, run with dockui's command line and no terminal."""

    def __init__(self, host: str, command: list[str]) -> None:
        super().__init__(host)
        self._command = command

    def connect(self, **_kwargs) -> None:
        # A session of its own: ssh cannot open /dev/tty, so it can never prompt on the TUI.
        self.proc = subprocess.Popen(self._command, env=_ssh_env(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=True)

    def close(self) -> None:
        # docker-py's close writes to ssh's stdin, which fails once ssh has exited (e.g.
        # after an exec's hijacked stream), and never closes its own socket descriptor.
        proc, self.proc = self.proc, None
        if proc is not None:
            for pipe in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError, ValueError):
                    pipe.close()
            with contextlib.suppress(OSError):
                proc.terminate()
        socket.socket.close(self)


class _BatchSSHConnection(SSHConnection):
    def __init__(self, command: list[str], timeout: float, host: str) -> None:
        super().__init__(None, timeout, host)
        self._command = command

    def connect(self) -> None:
        sock = _BatchSSHSocket(self.ssh_host, self._command)
        sock.settimeout(self.timeout)
        sock.connect()
        self.sock = sock


class _BatchSSHConnectionPool(SSHConnectionPool):
    def __init__(self, command: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self._command = command

    def _new_conn(self) -> _BatchSSHConnection:
        return _BatchSSHConnection(self._command, self.timeout, self.ssh_host)


# Channels as sockets ---------------------------------------------------------------------------

class _ChannelRaw(io.RawIOBase):
    """A paramiko channel's incoming bytes as a raw stream: ``readinto`` returns what came."""

    def __init__(self, channel: paramiko.Channel) -> None:
        super().__init__()
        self._channel = channel

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._channel.recv(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _ChannelFile(io.BufferedReader):
    """A standard buffered reader over a channel.

    paramiko's own ``ChannelFile`` lacks ``read1``, which readers of streamed bodies (logs)
    rely on to take whatever has arrived without waiting for a full block.
    """

    def __init__(self, channel: paramiko.Channel) -> None:
        super().__init__(_ChannelRaw(channel), buffer_size=256 * 1024)
        self.channel = channel
        """Where docker-py looks for the socket under a response (as on ``ChannelFile``)."""


class _ChannelSocket:
    """A channel that http.client can use as its socket, handing out :class:`_ChannelFile`."""

    def __init__(self, channel: paramiko.Channel) -> None:
        self._channel = channel

    def __getattr__(self, name: str):
        return getattr(self._channel, name)

    def makefile(self, *_args, **_kwargs) -> _ChannelFile:
        return _ChannelFile(self._channel)


class _ChannelConnection(SSHConnection):
    def connect(self) -> None:
        # docker-py opens the channel with paramiko's default wait of an hour; not here.
        channel = self.ssh_transport.open_session(
            timeout=self.timeout or CHANNEL_OPEN_TIMEOUT)
        channel.settimeout(self.timeout)
        channel.exec_command(DIAL_COMMAND)
        self.sock = _ChannelSocket(channel)


class _ChannelConnectionPool(SSHConnectionPool):
    def _new_conn(self) -> _ChannelConnection:
        return _ChannelConnection(self.ssh_transport, self.timeout, self.ssh_host)


# The adapter -----------------------------------------------------------------------------------

class _SshAdapter(SSHHTTPAdapter):
    """docker-py's ssh adapter on a paramiko client dockui logged in, or on batch-mode ssh.

    Args:
        url: The ``ssh://`` URL.
        client: A logged-in paramiko client, or None for the system ssh client.
        settings: How to log in again, should the client have been closed.
        timeout: Request timeout.
        connect_timeout: Deadline for each ssh connect.
    """

    def __init__(self, url: str, client: paramiko.SSHClient | None, settings: SshSettings,
                 timeout: float, connect_timeout: float) -> None:
        # shell_out=True: the parent makes no connection of its own; ours is set below.
        super().__init__(url, timeout, pool_connections=DEFAULT_NUM_POOLS_SSH,
                         max_pool_size=DEFAULT_MAX_POOL_SIZE, shell_out=True)
        self.ssh_client = client
        self._settings = settings
        self._connect_timeout = connect_timeout
        self._dial = ssh_client_command(url, DIAL_COMMAND, connect_timeout)

    def _connect(self) -> None:
        if self.ssh_client is not None:
            self.ssh_client.close()
            self.ssh_client = open_ssh(self._settings, self._connect_timeout)

    def get_connection(self, url, proxies=None):
        with self.pools.lock:
            pool = self.pools.get(url)
            if pool is None:
                pool = self._new_pool()
                self.pools[url] = pool
        return pool

    def _new_pool(self) -> SSHConnectionPool:
        common = {"timeout": self.timeout, "maxsize": self.max_pool_size, "host": self.ssh_host}
        if self.ssh_client is None:
            return _BatchSSHConnectionPool(self._dial, **common)
        if self.ssh_client.get_transport() is None:  # closed meanwhile: log in again
            self._connect()
        return _ChannelConnectionPool(ssh_client=self.ssh_client, **common)


def ssh_api_client(target: EngineTarget, timeout: float) -> APIClient:
    """A docker-py client for an ``ssh://`` target, logged in and API version negotiated.

    Raises:
        SshError: The ssh side failed (see :func:`preflight`).
        docker.errors.DockerException: The engine behind ssh did not answer properly.
    """
    if target.use_ssh_client:
        check_ssh_client(target.host, timeout)
        settings, client = _settings_for_messages(target.host), None
    else:
        settings = ssh_settings(target.host)
        client = open_ssh(settings, timeout)
    # A pinned version and use_ssh_client=True: the constructor then makes no connection
    # (docker-py's would have no deadline); the adapter is replaced with dockui's right after.
    api = APIClient(base_url=target.host, version=MINIMUM_DOCKER_API_VERSION, timeout=timeout,
                    use_ssh_client=True)
    adapter = _SshAdapter(target.host, client, settings, timeout, timeout)
    api._custom_adapter = adapter
    api.mount("http+docker://ssh", adapter)
    try:
        api._version = api._retrieve_server_version()
    except BaseException:
        api.close()
        raise
    return api


def preflight(target: EngineTarget, timeout: float) -> None:
    """Check that an ssh target can be logged in to, without talking to its engine.

    For any other transport this does nothing. With the system ssh client, ``docker
    version`` is run on the remote as well (ssh gives no other way to test a login).

    Raises:
        SshError: Unknown or changed host key, refused login, unreachable, or timed out; the
            message says what to do.
    """
    if target.transport != "ssh":
        return
    if target.use_ssh_client:
        check_ssh_client(target.host, timeout)
        return
    open_ssh(ssh_settings(target.host), timeout).close()


def explain_dial_failure(target: EngineTarget) -> str:
    """The message for an ssh login that worked but reached no engine."""
    where = urllib.parse.urlsplit(target.host).hostname or target.host
    return (f"logged in over ssh, but `{DIAL_COMMAND}` gave no engine on {where}: is the "
            "docker CLI installed there, and may that user use the engine?")
