"""dockui's own list of engine addresses: ``$XDG_CONFIG_HOME/dockui/hosts.json``.

Pure: file reading and writing, and checking an address; no engine, no UI. The file::

    {"hosts": [{"url": "ssh://me@build-box", "ssh_client": false}]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dockui.config_dir import config_file, write_json

URL_FORMS = "unix:///path, tcp://host[:port] or ssh://[user@]host[:port]"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = rf"{_LABEL}(?:\.{_LABEL})*"
_IPV6 = r"\[[0-9A-Fa-f:.]+\]"
_PORT = r"(?::(?P<port>\d{1,5}))?"
_TCP = re.compile(rf"tcp://(?:{_HOSTNAME}|{_IPV6}){_PORT}/?")
# No IPv6 for ssh: docker-py's ssh client transport splits user@host:port on ':'.
_SSH = re.compile(rf"ssh://(?:[A-Za-z0-9._][A-Za-z0-9._-]*@)?{_HOSTNAME}{_PORT}/?")
_UNIX = re.compile(r"unix:///[^\s\x00-\x1f\x7f]*")


class HostsFileError(Exception):
    """The hosts file exists but cannot be read or written; ``str()`` says which and why."""


@dataclass(frozen=True)
class SavedHost:
    """An engine address the user saved."""

    url: str
    ssh_client: bool = False
    """Reach this ``ssh://`` engine through the system ssh client rather than paramiko."""


def hosts_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the saved hosts live: ``$XDG_CONFIG_HOME/dockui/hosts.json``.

    ``XDG_CONFIG_HOME`` defaults to ``~/.config`` (``~`` from ``HOME``).
    """
    return config_file("hosts.json", environ)


def normalize_url(text: str) -> str:
    """The address as stored: surrounding blanks and a trailing slash removed."""
    url = text.strip()
    return url[:-1] if url.endswith("/") and not url.startswith("unix:") else url


def check_url(text: str) -> str | None:
    """What is wrong with an engine address, or None when it is a usable one."""
    url = normalize_url(text)
    if not url:
        return f"type an address: {URL_FORMS}"
    scheme = url.split("://", 1)[0] if "://" in url else ""
    pattern = {"tcp": _TCP, "ssh": _SSH, "unix": _UNIX}.get(scheme)
    if pattern is None:
        return f"{scheme or 'no'} scheme: use {URL_FORMS}"
    match = pattern.fullmatch(url)
    if match is None:
        return f"not a valid {scheme}:// address: use {URL_FORMS}"
    port = match.groupdict().get("port")
    if port is not None and not 0 < int(port) < 65536:
        return f"port {port} is out of range (1-65535)"
    return None


def load_hosts(path: Path) -> list[SavedHost]:
    """The saved hosts, in the order saved; none when the file does not exist yet.

    Raises:
        HostsFileError: The file cannot be read or is not a hosts file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HostsFileError(f"cannot read {path}: {exc}") from exc
    rows = data.get("hosts") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise HostsFileError(f"{path} is not a dockui hosts file (no \"hosts\" list)")
    return [SavedHost(str(row["url"]), bool(row.get("ssh_client", False)))
            for row in rows if isinstance(row, dict) and isinstance(row.get("url"), str)]


def save_hosts(path: Path, hosts: list[SavedHost]) -> None:
    """Write the saved hosts, atomically (a crash never leaves half a file).

    Raises:
        HostsFileError: The folder or file cannot be written.
    """
    data = {"hosts": [{"url": h.url, "ssh_client": h.ssh_client} for h in hosts]}
    try:
        write_json(path, data)
    except OSError as exc:
        raise HostsFileError(f"cannot write {path}: {exc}") from exc


def add_host(hosts: list[SavedHost], host: SavedHost) -> list[SavedHost]:
    """``hosts`` with ``host`` added at the end, or updated in place if its URL is there."""
    if any(h.url == host.url for h in hosts):
        return [host if h.url == host.url else h for h in hosts]
    return [*hosts, host]


def remove_host(hosts: list[SavedHost], url: str) -> list[SavedHost]:
    """``hosts`` without the one saved as ``url``."""
    return [h for h in hosts if h.url != url]
