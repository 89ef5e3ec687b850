"""Parse and check what the run form holds, by the docker CLI's own rules.

Pure functions, no engine and no Textual: every value a user types (or pastes as a whole
``docker run`` line) becomes plain data here or an :class:`OptionError` whose message says what
is wrong and what would be right. The rules mirror docker CLI 28 talking to the engine: what
they accept is accepted, what they reject is rejected. The deliberate differences are all
stricter: container port 0, a port with two protocols (``80/tcp/udp``), a relative container
path alone (``-v data``), a one-letter volume name (``-v a:/x``, which the CLI mistakes for a
Windows drive), and a ``-e`` name that holds whitespace or is not set.

docker-py's helpers are not used: ``docker.utils.ports`` accepts ``99999:80`` and non-ASCII
digits, and ``docker.utils.parse_env_file`` prints whole lines (secrets) on bad UTF-8.

Form fields that hold several values are split as follows:

* ports (:func:`parse_ports_field`): on whitespace, commas and newlines;
* volumes (:func:`parse_volumes_field`): on newlines and whitespace, with shell quoting
  (``"/my dir:/data"``) for a path that holds spaces; commas belong to options (``ro,z``);
* environment (:func:`parse_env_field`): one ``KEY=value`` per line only, since values may
  hold spaces, commas and ``=``; blank lines and lines starting with ``#`` are skipped.
"""

from __future__ import annotations

import ipaddress
import os
import posixpath
import re
import shlex
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dockui.engine.sanitize import clean


class OptionError(ValueError):
    """A value of the run form the docker CLI would reject; the message says how to fix it."""


# --------------------------------------------------------------------------------------------
# Ports (-p)
# --------------------------------------------------------------------------------------------

PROTOCOLS = ("tcp", "udp", "sctp")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: Go's ParseUint rejects "٣" and "+80"


@dataclass(frozen=True)
class PortBinding:
    """One container port published (or only exposed) on the host.

    Attributes:
        container_port: 1-65535.
        proto: ``tcp``, ``udp`` or ``sctp``.
        host_ip: The host address to listen on; ``None`` for all addresses.
        host_port: The host port; ``None`` lets the engine pick a free one.
        host_port_end: With ``host_port``, a host range (``8000-8005:80``) in which the engine
            picks one free port, as the CLI allows for a single container port.
    """

    container_port: int
    proto: str = "tcp"
    host_ip: str | None = None
    host_port: int | None = None
    host_port_end: int | None = None

    @property
    def key(self) -> str:
        """The engine's name for the container side: ``80/tcp``."""
        return f"{self.container_port}/{self.proto}"

    @property
    def host_spec(self) -> str:
        """The host port as the CLI writes it: ``8080``, ``8000-8005`` or ``""``."""
        if self.host_port is None:
            return ""
        if self.host_port_end is not None:
            return f"{self.host_port}-{self.host_port_end}"
        return str(self.host_port)

    @property
    def spec(self) -> str:
        """The ``-p`` value for this binding alone: ``127.0.0.1:8080:80/udp``."""
        return _port_spec(self.host_ip, self.host_spec, str(self.container_port), self.proto)


def _port_spec(host_ip: str | None, host: str, container: str, proto: str) -> str:
    text = container if proto == "tcp" else f"{container}/{proto}"
    if host_ip:
        ip = f"[{host_ip}]" if ":" in host_ip else host_ip
        return f"{ip}:{host}:{text}"
    return f"{host}:{text}" if host else text


def parse_ports(text: str) -> list[PortBinding]:
    """Parse one ``-p`` value into the bindings it stands for (ranges expanded).

    Accepts ``80``, ``8080:80``, ``127.0.0.1:8080:80``, ``127.0.0.1::80``, ``8080:80/udp``,
    ``[::1]:8080:80``, ``8000-8005:8000-8005``, ``8000-8005`` and ``8000-8005:80`` (the engine
    picks one host port in the range). A host port of ``0`` means "any", as for the engine.

    Raises:
        OptionError: With what is wrong and an example of what would be right.
    """
    if "=" in text:
        raise OptionError(f"'{text}': the long --publish syntax (target=...,published=...) is "
                          "not supported here: write HOST:CONTAINER such as 8080:80")
    ip, host, container = _split_port_parts(text)
    proto, container = _split_proto(text, container)
    host_ip = _parse_host_ip(ip)
    if not container:
        where = f" in '{text}'" if text else " given"
        raise OptionError(f"no container port{where}: write 80, or HOST:CONTAINER such as "
                          "8080:80")
    start, end = _parse_port_range(container, "container")
    host_start, host_end = _parse_host_range(host)
    if host_start is not None and host_end - host_start != end - start and end != start:
        raise OptionError(
            f"host ports {host} and container ports {container} differ in length "
            f"({host_end - host_start + 1} and {end - start + 1}): give ranges of the same "
            f"length, e.g. {host_start}-{host_start + end - start}:{container}")
    if host_start is not None and start == end and host_end != host_start:
        return [PortBinding(start, proto, host_ip, host_start, host_end)]
    return [PortBinding(port, proto, host_ip,
                        None if host_start is None else host_start + offset)
            for offset, port in enumerate(range(start, end + 1))]


def _split_port_parts(text: str) -> tuple[str, str, str]:
    """Split ``[ip:][host:]container`` as the CLI does: an unbracketed IPv6 address works too."""
    parts = text.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def _split_proto(text: str, container: str) -> tuple[str, str]:
    port, _, proto = container.partition("/")
    if "/" in proto:
        raise OptionError(f"'{text}' names more than one protocol: write {port}/tcp or "
                          f"{port}/udp, and one -p per protocol")
    proto = proto.lower() or "tcp"  # the CLI lowercases, and "80/" means tcp
    if proto not in PROTOCOLS:
        raise OptionError(f"protocol '{proto}' in '{text}' is not tcp, udp or sctp: "
                          f"e.g. {port or 53}/udp")
    return proto, port


def _parse_host_ip(ip: str) -> str | None:
    if not ip:
        return None
    bare = ip[1:-1] if ip.startswith("[") and ip.endswith("]") else ip
    try:
        # The CLI uses Go's net.ParseIP, which knows no IPv6 zone ("%eth0").
        if "%" in bare or "[" in bare or "]" in bare:
            raise ValueError(bare)
        ipaddress.ip_address(bare)
    except ValueError:
        raise OptionError(f"'{ip}' is not a valid IP address: e.g. 127.0.0.1:8080:80 or "
                          "[::1]:8080:80") from None
    return bare


def _parse_host_range(host: str) -> tuple[int | None, int]:
    """The host side, or ``(None, 0)`` when the engine picks the port."""
    if not host:
        return None, 0
    if _DIGITS.fullmatch(host) and int(host) == 0:
        return None, 0  # the engine treats host port 0 as "any free port"
    return _parse_port_range(host, "host")


def _parse_port_range(text: str, side: str) -> tuple[int, int]:
    first, dash, last = text.partition("-")
    start = _parse_port_number(first, side, text)
    end = _parse_port_number(last, side, text) if dash else start
    if end < start:
        raise OptionError(f"{side} port range {text} ends before it starts: "
                          f"write {end}-{start}")
    return start, end


def _parse_port_number(text: str, side: str, whole: str) -> int:
    if not _DIGITS.fullmatch(text):
        raise OptionError(f"{side} port '{whole}' is not a number: ports are 1-65535, "
                          "e.g. 8080:80")
    number = int(text)
    if not 1 <= number <= 65535:
        raise OptionError(f"{side} port {number} is out of range (1-65535): try 8080:80")
    return number


def parse_ports_field(text: str) -> list[PortBinding]:
    """Parse the ports field: several ``-p`` values split on whitespace, commas and newlines.

    Identical bindings are kept once; one host port given to two container ports is an error.
    """
    bindings: dict[PortBinding, None] = {}
    for item in re.split(r"[\s,]+", text.strip()):
        if item:
            bindings.update(dict.fromkeys(parse_ports(item)))
    result = list(bindings)
    check_port_conflicts(result)
    return result


def check_port_conflicts(bindings: Iterable[PortBinding]) -> None:
    """Raise if one host address and port would serve two container ports (start would fail).

    Raises:
        OptionError: Naming the host port and both container ports.
    """
    seen: dict[tuple[str, int, str], PortBinding] = {}
    for binding in bindings:
        if binding.host_port is None or binding.host_port_end is not None:
            continue
        where = (binding.host_ip or "", binding.host_port, binding.proto)
        other = seen.setdefault(where, binding)
        if other.container_port != binding.container_port:
            raise OptionError(
                f"host port {binding.host_port}/{binding.proto} is published twice (to "
                f"{other.container_port} and {binding.container_port}): a host port serves "
                "one container port; pick another host port")


# --------------------------------------------------------------------------------------------
# Volumes (-v)
# --------------------------------------------------------------------------------------------

# The engine's rule for container and volume names.
_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+")
_RW_MODES = ("rw", "ro")
# The engine's other -v option classes; at most one option of each class.
_OPTION_CLASSES = {
    "label": ("z", "Z"),
    "propagation": ("shared", "rshared", "slave", "rslave", "private", "rprivate"),
    "copy": ("nocopy",),
    "consistency": ("consistent", "cached", "delegated"),
}
_OPTION_CLASS = {opt: cls for cls, opts in _OPTION_CLASSES.items() for opt in opts}
# What tutorials write for "the current folder" (the shell expands it; here, the project).
_PWD_FORMS = ("$(pwd)", "${PWD}", "$PWD", "`pwd`", "${pwd}")
_HOME_FORMS = ("${HOME}", "$HOME")


@dataclass(frozen=True)
class VolumeSpec:
    """One ``-v`` mount.

    Attributes:
        source: The absolute host path (bind), the volume name (volume) or ``""`` (anonymous).
        target: The absolute path in the container.
        mode: ``rw`` or ``ro``.
        kind: ``bind``, ``volume`` or ``anonymous``.
        source_exists: ``False`` for a bind whose host path does not exist yet (the engine
            creates it as a folder, as the CLI does); always ``True`` for volumes.
        options: The other options as typed, in order: ``z``/``Z``, a propagation such as
            ``rshared``, ``nocopy``, or a consistency such as ``cached``.
    """

    source: str
    target: str
    mode: str = "rw"
    kind: str = "bind"
    source_exists: bool = True
    options: tuple[str, ...] = ()

    @property
    def mode_string(self) -> str:
        """The options part of the engine's bind string: ``rw``, ``ro,z``..."""
        return ",".join((self.mode, *self.options))

    @property
    def spec(self) -> str:
        """The ``-v`` value: ``/src:/dst``, ``/src:/dst:ro,z``, ``name:/dst`` or ``/dst``."""
        if self.kind == "anonymous":
            return self.target
        extra = ([self.mode] if self.mode == "ro" else []) + list(self.options)
        return f"{self.source}:{self.target}" + (":" + ",".join(extra) if extra else "")


def parse_volume(text: str, project_dir: Path, home: Path) -> VolumeSpec:
    """Parse one ``-v`` value.

    Forms: ``/host:/ctr``, ``./rel:/ctr`` (against ``project_dir``), ``~/x:/ctr`` (against
    ``home``), ``${PWD}/x:/ctr`` and ``$(pwd)/x:/ctr`` (the project folder), ``name:/ctr`` (a
    named volume), ``/ctr`` (an anonymous volume), each but the last with ``:OPTIONS`` such as
    ``:ro`` or ``:ro,z``. As with the CLI, a source that does not start with ``/``, ``.`` or
    ``~`` is a volume name.

    Raises:
        OptionError: With what is wrong and an example of what would be right.
    """
    if not text:
        raise OptionError("empty volume: write /host/path:/container/path or name:/path")
    parts = _expand_dir_forms(text, project_dir, home).split(":")
    if "" in parts:
        raise OptionError(f"'{text}' has an empty part between colons: write "
                          "/host/path:/container/path[:ro]")
    if len(parts) > 3:
        raise OptionError(f"'{text}' has too many colons: write SOURCE:TARGET:OPTIONS, "
                          "options separated by commas, e.g. /data:/data:ro,z")
    if len(parts) == 1:
        return VolumeSpec("", _check_target(parts[0], text), kind="anonymous")
    if len(parts) == 2 and all(o in _RW_MODES or o in _OPTION_CLASS
                               for o in parts[1].split(",")):
        raise OptionError(f"'{text}' has options but no source: an anonymous volume takes "
                          f"none; for a named one write name:{parts[0]}:{parts[1]}")
    source, target = parts[0], _check_target(parts[1], text)
    kind, source = _parse_source(source, project_dir, home)
    mode, options = _parse_volume_options(parts[2] if len(parts) == 3 else "", kind)
    exists = kind != "bind" or os.path.lexists(source)
    return VolumeSpec(source, target, mode, kind, exists, options)


def _expand_dir_forms(text: str, project_dir: Path, home: Path) -> str:
    """Replace a leading ``$(pwd)``/``${PWD}``/``$HOME``... as the shell would have."""
    for forms, folder in ((_PWD_FORMS, project_dir), (_HOME_FORMS, home)):
        for form in forms:
            rest = text[len(form):]
            if text.startswith(form) and rest[:1] in ("", "/", ":"):
                base = str(folder)
                return (base.rstrip("/") if rest.startswith("/") else base) + rest
    return text


def _check_target(target: str, text: str) -> str:
    if not target.startswith("/"):
        raise OptionError(f"container path '{target}' in '{text}' is not absolute: "
                          f"write /{target}")
    if posixpath.normpath(target) in ("/", "//"):
        raise OptionError(f"'{text}' mounts over the container's root '/': "
                          "pick a folder such as /data")
    return target


def _parse_source(source: str, project_dir: Path, home: Path) -> tuple[str, str]:
    """Return ``(kind, source)``: an absolute host path for binds, the name for volumes."""
    if source.startswith("~"):
        if source != "~" and not source.startswith("~/"):
            raise OptionError(f"'{source}': only ~ and ~/... are understood here: "
                              "write the absolute path")
        return "bind", posixpath.normpath(posixpath.join(str(home), source[2:]))
    if source.startswith("/"):
        return "bind", posixpath.normpath(source)
    if source.startswith("."):
        return "bind", posixpath.normpath(posixpath.join(str(project_dir), source))
    if "/" in source:
        raise OptionError(f"'{source}' is neither a volume name nor a host path (the CLI reads "
                          f"it as a volume name): for a folder write ./{source}")
    if len(source) < 2 or not _NAME.fullmatch(source):
        raise OptionError(f"volume name '{source}' is not valid: names are 2 or more of "
                          "a-z A-Z 0-9 _ . - starting with a letter or digit; for a folder "
                          f"write ./{source}")
    return "volume", source


def _parse_volume_options(text: str, kind: str) -> tuple[str, tuple[str, ...]]:
    """Return ``(mode, other options)``; the engine allows one option of each class."""
    if not text:
        return "rw", ()
    mode, options, seen = "rw", [], {}
    for option in text.split(","):
        cls = "rw" if option in _RW_MODES else _OPTION_CLASS.get(option)
        if not option:
            raise OptionError(f"'{text}' has an empty volume option: drop the stray comma")
        if cls is None:
            hint = (f"options are case-sensitive: {option.lower()}"
                    if option.lower() in _RW_MODES else "use ro, rw, z or Z")
            raise OptionError(f"unknown volume option '{option}': {hint} (several are "
                              "separated by commas: ro,z)")
        if cls in seen:
            raise OptionError(f"volume options '{seen[cls]}' and '{option}' exclude each "
                              "other: keep one")
        seen[cls] = option
        if cls == "rw":
            mode = option
        else:
            options.append(option)
    if kind == "bind" and "copy" in seen:
        raise OptionError("nocopy applies to volumes, not to a host folder: drop it")
    if kind == "volume" and "propagation" in seen:
        raise OptionError(f"propagation '{seen['propagation']}' applies to host folders, "
                          "not to volumes: drop it")
    return mode, tuple(options)


def parse_volumes_field(text: str, project_dir: Path, home: Path) -> list[VolumeSpec]:
    """Parse the volumes field: values split on newlines and whitespace, shell quoting allowed.

    Raises:
        OptionError: For a bad value or two mounts on one container path.
    """
    volumes = [parse_volume(item, project_dir, home)
               for line in text.splitlines() for item in _shell_split(line, "volume")]
    check_mount_targets(volumes)
    return volumes


def check_mount_targets(volumes: Iterable[VolumeSpec]) -> None:
    """Raise if two mounts share a container path (the engine's "Duplicate mount point").

    Raises:
        OptionError: Naming the path.
    """
    seen: set[str] = set()
    for volume in volumes:
        target = posixpath.normpath(volume.target)
        if target in seen:
            raise OptionError(f"two volumes are mounted on {target}: give each its own "
                              "container path")
        seen.add(target)


# --------------------------------------------------------------------------------------------
# Environment (-e, --env-file)
# --------------------------------------------------------------------------------------------

_SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "KEY", "PASS")


def is_secret_key(key: str) -> bool:
    """Whether a variable's value is probably a secret (``DB_PASSWORD``, ``API_TOKEN``...)."""
    upper = key.upper()
    return any(word in upper for word in _SECRET_WORDS)


def parse_env(text: str, environ: Mapping[str, str]) -> tuple[str, str]:
    """Parse one ``-e`` value: ``KEY=value`` (kept verbatim) or ``KEY`` (from ``environ``).

    Raises:
        OptionError: For an empty name, a name with whitespace, or a bare ``KEY`` that
            ``environ`` lacks. Messages never include the value.
    """
    key, sep, value = text.partition("=")
    if not key:
        raise OptionError("no variable name before '=': write KEY=value")
    if any(ch.isspace() for ch in key):
        if not sep:  # without "=", the text may be a pasted secret: don't echo it
            raise OptionError("an environment entry has no '=' and holds whitespace: "
                              "write KEY=value")
        raise OptionError(f"variable name '{key}' holds whitespace: write "
                          f"{'_'.join(key.split())}=...")
    if sep:
        return key, value
    if key not in environ:
        raise OptionError(f"{key} is not set in dockui's environment: write {key}=value, "
                          f"or export {key} before starting dockui")
    return key, environ[key]


def parse_env_field(text: str, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """Parse the environment field: one ``KEY=value`` or ``KEY`` per line.

    Leading whitespace is dropped; blank lines and lines starting with ``#`` are skipped.
    """
    result = []
    for raw in text.splitlines():
        line = _go_lstrip(raw)
        if line and not line.startswith("#"):
            result.append(parse_env(line, environ))
    return result


def parse_env_file(path: Path,
                   environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Read an ``--env-file`` by the CLI's rules.

    One ``KEY=value`` per line, the value kept verbatim (quotes included); leading whitespace
    and a UTF-8 byte-order mark are dropped; blank lines and ``#`` lines are skipped; a bare
    ``KEY`` takes ``environ[KEY]`` and is left out, as by the CLI, when ``environ`` lacks it.

    Args:
        path: The file.
        environ: For bare ``KEY`` lines; dockui's environment by default.

    Raises:
        OptionError: For a missing or unreadable file, invalid UTF-8 or a bad name. The message
            names the file, the line number and the variable, never the value.
    """
    environ = os.environ if environ is None else environ
    data = _read_env_file(path)
    result = []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # a final newline does not start another line
    for number, raw in enumerate(lines, 1):
        raw = raw.removesuffix(b"\r")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            key, sep, _ = raw.partition(b"=")
            name = f" (variable {clean(key.decode('utf-8', 'replace').strip())})" if sep else ""
            raise OptionError(f"env file {path}, line {number}{name}: not valid UTF-8; "
                              "save the file as UTF-8") from None
        if number == 1:
            line = line.removeprefix("\ufeff")
        entry = _parse_env_file_line(_go_lstrip(line), path, number, environ)
        if entry is not None:
            result.append(entry)
    return result


def _read_env_file(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise OptionError(f"env file {path} does not exist: check the path (relative paths "
                          "start at the project folder)") from None
    except IsADirectoryError:
        raise OptionError(f"env file {path} is a folder: give a file of KEY=value lines") from None
    except OSError as exc:
        raise OptionError(f"env file {path} cannot be read: {exc.strerror}") from None


def _parse_env_file_line(line: str, path: Path, number: int,
                         environ: Mapping[str, str]) -> tuple[str, str] | None:
    if not line or line.startswith("#"):
        return None
    key, sep, value = line.partition("=")
    where = f"env file {path}, line {number}"
    if not key:
        raise OptionError(f"{where}: no variable name before '=': write KEY=value")
    if " " in key or "\t" in key:  # the CLI checks only spaces and tabs here
        if not sep:
            raise OptionError(f"{where}: no '=' and holds whitespace: write KEY=value, or a "
                              "bare KEY to take it from dockui's environment")
        raise OptionError(f"{where}: variable name '{clean(key)}' holds whitespace: write "
                          f"{'_'.join(key.split())}=...")
    if sep:
        return key, value
    return (key, environ[key]) if key in environ else None


def _go_space(ch: str) -> bool:
    """Go's unicode.IsSpace, which the CLI uses (Python's isspace also takes \\x1c-\\x1f)."""
    return ch in "\t\n\v\f\r \x85\xa0" or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _go_lstrip(text: str) -> str:
    index = 0
    while index < len(text) and _go_space(text[index]):
        index += 1
    return text[index:]


# --------------------------------------------------------------------------------------------
# Restart policy, name, command
# --------------------------------------------------------------------------------------------

RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")


def parse_restart(text: str) -> tuple[str, int]:
    """Parse ``--restart``: ``no``, ``always``, ``on-failure[:N]``, ``unless-stopped``.

    An empty text is ``no``. Returns ``(policy, maximum retry count)``.

    Raises:
        OptionError: For an unknown policy or a count that is not a whole number or is given
            to a policy other than on-failure.
    """
    if not text:
        return "no", 0
    name, colon, count_text = text.partition(":")
    if colon and not name:
        raise OptionError(f"'{text}' has no policy before ':': write on-failure{text}")
    if name not in RESTART_POLICIES:
        hint = (f"did you mean {name.lower()}" if name.lower() in RESTART_POLICIES
                else "use no, always, on-failure[:N] or unless-stopped")
        raise OptionError(f"unknown restart policy '{name}': {hint}")
    if count_text and not _DIGITS.fullmatch(count_text):
        raise OptionError(f"retry count '{count_text}' is not a whole number (0 or more): "
                          "write on-failure:3")
    count = int(count_text or 0)
    if count and name != "on-failure":
        raise OptionError(f"a retry count only goes with on-failure: write on-failure:{count} "
                          f"or {name}")
    return name, count


def validate_name(text: str) -> str:
    """Check a container name by the engine's rule; return it (``""`` means no name).

    A leading ``/`` is accepted and dropped, as by the engine.

    Raises:
        OptionError: Saying which rule the name breaks.
    """
    name = text.removeprefix("/") if text.startswith("/") and len(text) > 1 else text
    if not name or _NAME.fullmatch(name):
        return name
    if not re.match(r"[a-zA-Z0-9]", name):
        raise OptionError(f"container name '{name}' must start with a letter or digit: "
                          f"e.g. app{name}")
    if len(name) < 2:
        raise OptionError(f"container name '{name}' is too short: names need 2 characters "
                          f"or more, e.g. {name}1")
    bad = next(ch for ch in name if not re.fullmatch(r"[a-zA-Z0-9_.-]", ch))
    raise OptionError(f"container name '{name}' contains {bad!r}: use only a-z A-Z 0-9 _ . -")


def split_command(text: str) -> list[str]:
    """Split a command line as a POSIX shell would (quotes, backslashes; no expansion).

    Raises:
        OptionError: For an unclosed quote or a trailing backslash.
    """
    return _shell_split(text, "command")


def _shell_split(text: str, what: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError as exc:
        raise OptionError(f"{what} has an unbalanced quote or a trailing backslash "
                          f"({exc}): close the quote") from None


# --------------------------------------------------------------------------------------------
# The whole run
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunSpec:
    """Everything the run form sets, as the docker CLI would pass it to the engine.

    Attributes:
        image: The image reference.
        name: The container name, ``""`` for one the engine picks.
        command: Replaces the image's CMD when not empty.
        ports: The ``-p`` bindings, ranges expanded.
        volumes: The ``-v`` mounts.
        env: ``-e`` variables, applied after (over) the env files.
        env_files: ``--env-file`` paths as typed, relative to the project folder.
        restart: ``(policy, maximum retry count)``.
        entrypoint: Replaces the image's ENTRYPOINT; ``[""]`` clears it.
    """

    image: str
    name: str = ""
    command: list[str] = field(default_factory=list)
    ports: tuple[PortBinding, ...] = ()
    volumes: tuple[VolumeSpec, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    env_files: tuple[str, ...] = ()
    detach: bool = True
    interactive: bool = False
    tty: bool = False
    remove: bool = False
    restart: tuple[str, int] = ("no", 0)
    network: str | None = None
    workdir: str | None = None
    user: str | None = None
    entrypoint: list[str] | None = None

    def __post_init__(self) -> None:
        # Callers may hand lists or tuples: normalise so that equal specs compare equal.
        for name in ("ports", "volumes", "env_files"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "env", tuple(tuple(pair) for pair in self.env))
        object.__setattr__(self, "restart", tuple(self.restart))
        object.__setattr__(self, "command", list(self.command))
        if self.entrypoint is not None:
            object.__setattr__(self, "entrypoint", list(self.entrypoint))

    def check(self) -> None:
        """Raise for what the CLI rejects across options (each value is checked on parsing).

        Raises:
            OptionError: For a missing image, ``--rm`` with a restart policy, a relative
                working directory, two mounts on one path or one host port used twice.
        """
        if not self.image.strip():
            raise OptionError("no image: give an image such as nginx:latest")
        if self.remove and self.restart[0] != "no":
            raise OptionError("--rm and --restart exclude each other (a removed container "
                              "cannot restart): keep one")
        if self.workdir and not self.workdir.startswith("/"):
            raise OptionError(f"working directory '{self.workdir}' is not absolute: "
                              f"write /{self.workdir}")
        check_mount_targets(self.volumes)
        check_port_conflicts(self.ports)

    def to_cli(self, mask_secrets: bool = False) -> str:
        """The equivalent ``docker run`` line, each argument shell-quoted.

        Args:
            mask_secrets: Show ``KEY=****`` for variables whose name looks secret (for a
                screen or a log; the unmasked line is for copying).
        """
        args = ["docker", "run", *self._cli_flags()]
        args += [arg for port in _fold_ports(self.ports) for arg in ("-p", port)]
        args += [arg for volume in self.volumes for arg in ("-v", volume.spec)]
        for key, value in self.env:
            shown = "****" if mask_secrets and is_secret_key(key) else value
            args += ["-e", f"{key}={shown}"]
        args += [arg for path in self.env_files for arg in ("--env-file", path)]
        args += self._cli_settings()
        # The CLI's --entrypoint takes one word; more words move to the front of the command,
        # which the engine runs the same way.
        entry = self.entrypoint or []
        if entry:
            args += ["--entrypoint", entry[0]]
        args += [self.image, *entry[1:], *self.command]
        return " ".join(shlex.quote(arg) for arg in args)

    def _cli_flags(self) -> list[str]:
        flags = ["-d"] if self.detach else []
        shorts = ("i" if self.interactive else "") + ("t" if self.tty else "")
        flags += [f"-{shorts}"] if shorts else []
        flags += ["--rm"] if self.remove else []
        return flags + (["--name", self.name] if self.name else [])

    def _cli_settings(self) -> list[str]:
        policy, count = self.restart
        args = []
        if policy != "no":
            args += ["--restart", f"{policy}:{count}" if count else policy]
        for flag, value in (("--network", self.network), ("-w", self.workdir),
                            ("-u", self.user)):
            if value:
                args += [flag, value]
        return args

    def environment(self, project_dir: Path | None = None,
                    environ: Mapping[str, str] | None = None) -> list[str]:
        """The container's variables as ``KEY=value``: env files in order, then ``-e``.

        A later value of a variable replaces an earlier one, as in the running container.

        Args:
            project_dir: Where relative env-file paths start; the current folder by default.
            environ: For bare ``KEY`` lines of env files; dockui's environment by default.

        Raises:
            OptionError: For an env file that cannot be read or parsed.
        """
        merged: dict[str, str] = {}
        for path in self.env_files:
            merged.update(parse_env_file(resolve_path(path, project_dir), environ))
        merged.update(self.env)
        return [f"{key}={value}" for key, value in merged.items()]

    def to_create_kwargs(self, labels: Mapping[str, str] | None = None, *,
                         project_dir: Path | None = None,
                         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Keyword arguments for docker-py's ``client.containers.create(image, **kwargs)``.

        Args:
            labels: Labels to set on the container.
            project_dir: Where relative env-file paths start.
            environ: For bare ``KEY`` lines of env files.

        Raises:
            OptionError: For what :meth:`check` finds, or an env file that cannot be read or
                parsed.
        """
        self.check()
        kwargs: dict[str, Any] = {"detach": self.detach, "stdin_open": self.interactive,
                                  "tty": self.tty, "auto_remove": self.remove}
        optional = {"name": self.name, "command": self.command,
                    "entrypoint": self.entrypoint, "network": self.network,
                    "working_dir": self.workdir, "user": self.user,
                    "ports": _create_ports(self.ports), "labels": dict(labels or {}),
                    "environment": self.environment(project_dir, environ)}
        kwargs.update({key: value for key, value in optional.items() if value})
        binds, mounts = _create_volumes(self.volumes)
        if binds:
            kwargs["volumes"] = binds
        if mounts:
            kwargs["mounts"] = mounts
        policy, count = self.restart
        if policy != "no":
            kwargs["restart_policy"] = {"Name": policy, "MaximumRetryCount": count}
        return kwargs


def resolve_path(path: str, project_dir: Path | None = None, home: Path | None = None) -> Path:
    """A path as typed in the form: ``~`` is ``home``, relative ones start at ``project_dir``.

    Args:
        path: The path as typed.
        project_dir: Where relative paths start; the current folder by default.
        home: What ``~`` stands for; the user's home by default.
    """
    if path == "~" or path.startswith("~/"):
        return (home or Path.home()) / path[2:]
    resolved = Path(path)
    return resolved if resolved.is_absolute() else (project_dir or Path.cwd()) / resolved


def _fold_ports(ports: Sequence[PortBinding]) -> list[str]:
    """``-p`` values for the bindings, consecutive ones folded back into ranges."""
    specs: list[str] = []
    index = 0
    while index < len(ports):
        first = ports[index]
        length = 1
        while index + length < len(ports) and _continues(first, ports[index + length], length):
            length += 1
        if length == 1:
            specs.append(first.spec)
        else:
            last = ports[index + length - 1]
            host = "" if first.host_port is None else f"{first.host_port}-{last.host_port}"
            specs.append(_port_spec(first.host_ip, host,
                                    f"{first.container_port}-{last.container_port}",
                                    first.proto))
        index += length
    return specs


def _continues(first: PortBinding, other: PortBinding, offset: int) -> bool:
    if first.host_port_end is not None or other.host_port_end is not None:
        return False
    same_host = (first.host_port is None and other.host_port is None) or (
        first.host_port is not None and other.host_port == first.host_port + offset)
    return (other.container_port == first.container_port + offset and same_host
            and other.proto == first.proto and other.host_ip == first.host_ip)


def _create_ports(ports: Iterable[PortBinding]) -> dict[str, Any]:
    """docker-py's ``ports``: ``{'80/tcp': 8080 | None | (ip, port) | [several]}``."""
    grouped: dict[str, list[Any]] = {}
    for binding in dict.fromkeys(ports):  # the CLI keeps identical bindings once
        host: int | str | None = binding.host_port
        if binding.host_port_end is not None:
            host = binding.host_spec  # docker-py passes "8000-8005" through to the engine
        value = (binding.host_ip, host) if binding.host_ip else host
        grouped.setdefault(binding.key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


def _create_volumes(volumes: Iterable[VolumeSpec]) -> tuple[dict[str, dict], list[dict]]:
    """docker-py's ``volumes`` (binds) and ``mounts`` for the ``-v`` mounts.

    Binds go in the ``volumes`` dict, as the CLI sends them, so a missing host folder is
    created; docker-py's list form is not used because it turns ``/src:/dst:z`` into a stray
    anonymous volume at ``/dst:z``. The dict holds a source once, so a host folder mounted
    twice gets a trailing ``/`` (the engine cleans the path), and a named volume mounted twice
    goes to ``mounts``, like anonymous volumes, which have no source to key the dict by.
    """
    binds: dict[str, dict] = {}
    mounts: list[dict] = []
    for volume in volumes:
        if volume.kind == "anonymous":
            mounts.append({"Type": "volume", "Target": volume.target, "ReadOnly": False})
        elif volume.kind == "bind":
            key = volume.source
            while key in binds:
                key += "/"
            binds[key] = {"bind": volume.target, "mode": volume.mode_string}
        elif volume.source in binds:
            mounts.append(_volume_mount(volume))
        else:
            binds[volume.source] = {"bind": volume.target, "mode": volume.mode_string}
    return binds, mounts


def _volume_mount(volume: VolumeSpec) -> dict:
    # The Mounts API has no SELinux label: z/Z of the first mount already relabelled the
    # volume's folder, and consistency options are ignored on Linux.
    mount: dict[str, Any] = {"Type": "volume", "Source": volume.source,
                             "Target": volume.target, "ReadOnly": volume.mode == "ro"}
    if "nocopy" in volume.options:
        mount["VolumeOptions"] = {"NoCopy": True}
    return mount


# --------------------------------------------------------------------------------------------
# A pasted `docker run` line
# --------------------------------------------------------------------------------------------

_BOOL_FLAGS = {"-d": "detach", "--detach": "detach", "-i": "interactive",
               "--interactive": "interactive", "-t": "tty", "--tty": "tty", "--rm": "remove"}
_VALUE_FLAGS = {"--name": "name", "-p": "publish", "--publish": "publish", "-v": "volume",
                "--volume": "volume", "-e": "env", "--env": "env", "--env-file": "env_file",
                "--restart": "restart", "--network": "network", "--net": "network",
                "-w": "workdir", "--workdir": "workdir", "-u": "user", "--user": "user",
                "--entrypoint": "entrypoint"}
SUPPORTED_FLAGS = ("-d/--detach, -i/--interactive, -t/--tty, --rm, --name, -p/--publish, "
                   "-v/--volume, -e/--env, --env-file, --restart, --network/--net, "
                   "-w/--workdir, -u/--user, --entrypoint")
_TRUE = ("1", "t", "T", "true", "TRUE", "True")  # Go's strconv.ParseBool, which pflag uses
_FALSE = ("0", "f", "F", "false", "FALSE", "False")


def parse_docker_run(line: str, project_dir: Path, home: Path,
                     environ: Mapping[str, str]) -> RunSpec:
    """Parse a pasted ``docker run ...`` line into a :class:`RunSpec`.

    Accepts ``docker run``, ``docker container run`` or the options alone, backslash-newline
    continuations, a leading ``$`` prompt or ``sudo``, combined short flags (``-dit``,
    ``-p8080:80``), ``--flag=value`` and ``--` ``. Everything after the image is its command.
    ``${PWD}``, ``$(pwd)`` and ``$PWD`` in volume sources mean the project folder; env files
    are read now, so a missing one is reported at once. As in the CLI, the container is
    detached only with ``-d``.

    Raises:
        OptionError: For an unsupported flag (named), a bad value, or a missing image.
    """
    tokens = _shell_split(re.sub(r"\\\r?\n", "", line), "the line")
    tokens = _drop_prefix(tokens)
    values: dict[str, Any] = {"ports": [], "volumes": [], "env": [], "env_files": [],
                              "detach": False}
    index = 0
    while index < len(tokens) and tokens[index].startswith("-") and tokens[index] != "-":
        if tokens[index] == "--":
            index += 1
            break
        index = _take_flag(tokens, index, values, (project_dir, home, environ))
    if index >= len(tokens):
        raise OptionError("no image: the line needs an image after the options, "
                          "e.g. docker run -d nginx")
    spec = RunSpec(image=tokens[index], command=tokens[index + 1:], **values)
    spec.check()
    return spec


def _drop_prefix(tokens: list[str]) -> list[str]:
    """Drop ``$``, ``sudo`` and ``docker [container] run``; anything else must be options."""
    while tokens and tokens[0] in ("$", "#", "sudo"):
        tokens = tokens[1:]
    if tokens[:1] == ["docker"]:
        for prefix in (["run"], ["container", "run"]):
            if tokens[1:1 + len(prefix)] == prefix:
                return tokens[1 + len(prefix):]
        raise OptionError("only `docker run` lines can be pasted here: "
                          f"`docker {' '.join(tokens[1:2])}` is another command")
    if tokens and not tokens[0].startswith("-"):
        raise OptionError(f"'{tokens[0]}' does not start a `docker run` line: paste the "
                          "whole line, e.g. docker run -d -p 8080:80 nginx")
    return tokens


def _take_flag(tokens: list[str], index: int, values: dict[str, Any], ctx: tuple) -> int:
    """Apply the flag (or short-flag cluster) at ``index``; return the next index."""
    token = tokens[index]
    if token.startswith("--"):
        flag, eq, value = token.partition("=")
        if flag in _BOOL_FLAGS:
            values[_BOOL_FLAGS[flag]] = _parse_bool(flag, value) if eq else True
            return index + 1
        if flag not in _VALUE_FLAGS:
            raise _unsupported(flag)
        if not eq:
            value, index = _next_value(tokens, index, flag)
        _apply_value(_VALUE_FLAGS[flag], value, values, ctx)
        return index + 1
    for pos in range(1, len(token)):
        flag, rest = "-" + token[pos], token[pos + 1:]
        if flag in _BOOL_FLAGS:
            if rest.startswith("="):  # pflag's -d=false
                values[_BOOL_FLAGS[flag]] = _parse_bool(flag, rest[1:])
                break
            values[_BOOL_FLAGS[flag]] = True
        elif flag in _VALUE_FLAGS:
            value = rest.removeprefix("=")
            if not rest:
                value, index = _next_value(tokens, index, flag)
            _apply_value(_VALUE_FLAGS[flag], value, values, ctx)
            break
        else:
            raise _unsupported(flag)
    return index + 1


def _next_value(tokens: list[str], index: int, flag: str) -> tuple[str, int]:
    if index + 1 >= len(tokens):
        raise OptionError(f"{flag} needs a value, e.g. {flag} {_EXAMPLES.get(flag, 'VALUE')}")
    return tokens[index + 1], index + 1


_EXAMPLES = {"-p": "8080:80", "--publish": "8080:80", "-v": "./data:/data",
             "--volume": "./data:/data", "-e": "KEY=value", "--env": "KEY=value",
             "--name": "web", "--restart": "unless-stopped", "--env-file": ".env"}


def _unsupported(flag: str) -> OptionError:
    return OptionError(f"{flag} is not supported by the run form; supported: {SUPPORTED_FLAGS}")


def _parse_bool(flag: str, text: str) -> bool:
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise OptionError(f"{flag}={text}: the value of {flag} is true or false")


def _apply_value(kind: str, value: str, values: dict[str, Any], ctx: tuple) -> None:
    project_dir, home, environ = ctx
    if kind == "publish":
        values["ports"] += parse_ports(value)
    elif kind == "volume":
        values["volumes"].append(parse_volume(value, project_dir, home))
    elif kind == "env":
        values["env"].append(parse_env(value, environ))
    elif kind == "env_file":
        parse_env_file(resolve_path(value, project_dir, home), environ)  # report problems now
        values["env_files"].append(value)
    elif kind == "restart":
        values["restart"] = parse_restart(value)
    elif kind == "name":
        values["name"] = validate_name(value)
    elif kind == "entrypoint":
        values["entrypoint"] = [value]  # one word, as in the CLI; "" clears the entrypoint
    elif kind == "network" and values.get("network", value) != value:
        raise OptionError(f"two networks ({values['network']} and {value}): the run form "
                          "connects one; connect others after creating the container")
    else:  # network, workdir, user: plain strings
        values[kind] = value
