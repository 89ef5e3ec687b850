"""The login a registry asks for before a push; nothing is written to disk unless asked."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Static

from dockui.screens.form import FieldError, FormScreen


@dataclass(frozen=True)
class Login:
    """What the user typed."""

    registry: str
    username: str
    password: str
    save: bool


class LoginDialog(FormScreen[Login]):
    """Username, password (hidden) and whether to save them in the docker config."""

    def __init__(self, registry: str, reason: str = "") -> None:
        super().__init__()
        self.registry = registry
        self.reason = reason

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form") as form:
            form.border_title = f"Log in to {self.registry}"
            if self.reason:
                yield Static(self.reason)
            yield Label("Username")
            yield Input(id="username")
            yield FieldError(id="err-username")
            yield Label("Password or token")
            yield Input(password=True, id="password")
            yield FieldError(id="err-password")
            yield Checkbox("Save in the docker config (as docker login does); otherwise "
                           "only for this session", id="save")
            with Horizontal(classes="buttons"):
                yield Button("Log in", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def check(self) -> dict[str, str]:
        errors = {}
        if not self.query_one("#username", Input).value.strip():
            errors["username"] = "the registry's user name"
        if not self.query_one("#password", Input).value:
            errors["password"] = "the password (or an access token)"
        return errors

    def result(self) -> Login:
        return Login(self.registry, self.query_one("#username", Input).value.strip(),
                     self.query_one("#password", Input).value,
                     self.query_one("#save", Checkbox).value)
