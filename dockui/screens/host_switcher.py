"""`H`: choose the engine: docker contexts, ``DOCKER_HOST``, and addresses saved in dockui.

``enter`` switches (the app reconnects every pane), ``a`` adds an address and saves it in
``$XDG_CONFIG_HOME/dockui/hosts.json``, ``d`` deletes a saved one, ``escape`` closes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from dockui.engine.resolve import (
    EngineTarget,
    ResolveError,
    list_contexts,
    target_for_context,
    target_for_host,
)
from dockui.engine.sanitize import clean
from dockui.hosts import (
    URL_FORMS,
    HostsFileError,
    SavedHost,
    add_host,
    check_url,
    hosts_path,
    load_hosts,
    normalize_url,
    remove_host,
    save_hosts,
)
from dockui.screens.form import FieldError

SAVED = "saved host"
"""The ``source`` of a target chosen from the saved hosts, as the status line shows it."""


@dataclass(frozen=True)
class HostEntry:
    """One row of the switcher."""

    key: str
    """``context:NAME``, ``env``, ``saved:URL`` or ``current``."""
    label: str
    host: str
    make: Callable[[], EngineTarget]
    """Build the target (may raise ResolveError: a context can vanish meanwhile)."""

    @property
    def saved_url(self) -> str | None:
        return self.key.removeprefix("saved:") if self.key.startswith("saved:") else None


def host_entries(current: EngineTarget | None, environ: Mapping[str, str],
                 saved: list[SavedHost]) -> list[HostEntry]:
    """Every engine to offer: contexts, ``DOCKER_HOST``, saved hosts, and the current one
    (when it came from ``--host`` and is none of those)."""
    env = dict(environ)
    entries = [HostEntry(f"context:{name}", f"context {name}", host,
                         lambda name=name: target_for_context(name, env))
               for name, host in list_contexts()]
    if env.get("DOCKER_HOST"):
        entries.append(HostEntry("env", "DOCKER_HOST", env["DOCKER_HOST"],
                                 lambda: target_for_host(env["DOCKER_HOST"], "DOCKER_HOST", env)))
    for item in saved:
        label = SAVED + (" · ssh client" if item.ssh_client else "")
        entries.append(HostEntry(f"saved:{item.url}", label, item.url,
                                 lambda item=item: target_for_host(
                                     item.url, SAVED, env,
                                     use_ssh_client=True if item.ssh_client else None)))
    if current is not None and current_index(entries, current) is None:
        entries.insert(0, HostEntry("current", current.source, current.host, lambda: current))
    return entries


def current_index(entries: list[HostEntry], current: EngineTarget | None) -> int | None:
    """The row of the engine in use: by where it came from, else by address."""
    if current is None:
        return None
    for index, entry in enumerate(entries):
        if _came_from(entry, current):
            return index
    return next((i for i, e in enumerate(entries) if e.host == current.host), None)


def _came_from(entry: HostEntry, current: EngineTarget) -> bool:
    if entry.saved_url is not None:
        return current.source == SAVED and entry.saved_url == current.host
    if current.source == "default":
        return entry.key == "context:default"
    return entry.label == current.source


class HostSwitcher(ModalScreen[EngineTarget | None]):
    """Pick an engine; dismisses with its :class:`EngineTarget`, or None when closed.

    Args:
        current: The engine in use (marked in the list), or None.
    """

    DEFAULT_CSS = """
    HostSwitcher { align: center middle; }
    HostSwitcher > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HostSwitcher OptionList { height: auto; max-height: 20; border: none; }
    HostSwitcher #add { height: auto; display: none; }
    HostSwitcher #add.-shown { display: block; }
    HostSwitcher #add Input { border: tall $panel-lighten-2; }
    HostSwitcher #hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("d", "delete", "Delete saved"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, current: EngineTarget | None) -> None:
        super().__init__()
        self.current = current
        self.entries: list[HostEntry] = []
        self.saved: list[SavedHost] = []
        self.hosts_file: Path | None = None
        self.saved_error: str | None = None
        """Why the hosts file cannot be used; adding and deleting are off then."""

    @property
    def environ(self) -> Mapping[str, str]:
        return getattr(self.app, "environ", os.environ)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Engines"
            yield OptionList(id="hosts")
            with Vertical(id="add"):
                yield Input(placeholder=URL_FORMS, id="url")
                yield FieldError(id="err-url")
                with Horizontal():
                    yield Checkbox("use the system ssh client (ssh:// only)", id="ssh-client")
            yield Static(id="hint")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#hosts", OptionList).focus()

    def reload(self, highlight_key: str | None = None) -> None:
        """Read the saved hosts and contexts again and redraw the list."""
        self.hosts_file = hosts_path(self.environ)
        try:
            self.saved, self.saved_error = load_hosts(self.hosts_file), None
        except HostsFileError as exc:
            self.saved, self.saved_error = [], str(exc)
        self.entries = host_entries(self.current, self.environ, self.saved)
        marked = current_index(self.entries, self.current)
        options = self.query_one("#hosts", OptionList)
        options.set_options(Option(self._prompt(e, i == marked), id=e.key)
                            for i, e in enumerate(self.entries))
        keys = [e.key for e in self.entries]
        if highlight_key in keys:
            options.highlighted = keys.index(highlight_key)
        elif marked is not None:
            options.highlighted = marked
        self._show_hint()

    @staticmethod
    def _prompt(entry: HostEntry, current: bool) -> Text:
        return Text.assemble(("● " if current else "  ", "bold green"),
                             (f"{clean(entry.label):<28} ", "bold" if current else ""),
                             (clean(entry.host), "cyan"))

    def _show_hint(self, message: str | None = None) -> None:
        text = message or self.saved_error or (
            "enter switch · a add an address · d delete a saved one · escape close")
        self.query_one("#hint", Static).update(Text(text))

    # Switching ---------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#hosts")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        entry = self.entries[event.option_index]
        try:
            target = entry.make()
        except ResolveError as exc:
            self.notify(str(exc), title="Cannot use it", severity="error", timeout=6)
            return
        self.dismiss(target)

    def action_close(self) -> None:
        if self.query_one("#add").has_class("-shown"):
            self._hide_add()
            return
        self.dismiss(None)

    # Adding and deleting -------------------------------------------------------------------------

    def action_add(self) -> None:
        if self.saved_error:
            self.notify(self.saved_error, title="Hosts file", severity="error", timeout=6)
            return
        self.query_one("#add").add_class("-shown")
        self.query_one("#url", Input).focus()
        self._show_hint("enter save · escape cancel")

    def _hide_add(self) -> None:
        self.query_one("#add").remove_class("-shown")
        self.query_one("#url", Input).value = ""
        self.query_one("#err-url", FieldError).show_error(None)
        self.query_one("#hosts", OptionList).focus()
        self._show_hint()

    @on(Input.Changed, "#url")
    def _url_changed(self, event: Input.Changed) -> None:
        # Quiet while the field is empty; say what is wrong once something is typed.
        error = check_url(event.value) if event.value.strip() else None
        self.query_one("#err-url", FieldError).show_error(error)

    @on(Input.Submitted, "#url")
    def _url_submitted(self, event: Input.Submitted) -> None:
        error = check_url(event.value)
        self.query_one("#err-url", FieldError).show_error(error)
        if error:
            return
        url = normalize_url(event.value)
        ssh_client = self.query_one("#ssh-client", Checkbox).value and url.startswith("ssh:")
        if self._store(add_host(self.saved, SavedHost(url, ssh_client))):
            self._hide_add()
            self.reload(highlight_key=f"saved:{url}")

    def action_delete(self) -> None:
        options = self.query_one("#hosts", OptionList)
        index = options.highlighted
        url = self.entries[index].saved_url if index is not None else None
        if url is None:
            self.notify("only saved addresses can be deleted here (contexts: `docker context "
                        "rm`)", severity="warning", timeout=4)
            return
        if self._store(remove_host(self.saved, url)):
            self.reload()

    def _store(self, hosts: list[SavedHost]) -> bool:
        try:
            save_hosts(self.hosts_file or hosts_path(self.environ), hosts)
        except HostsFileError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=6)
            return False
        return True
