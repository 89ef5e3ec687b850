"""`r` on an image: the run form, with the docker CLI's own syntax in every field.

Each field is parsed by :mod:`dockui.engine.options` as the user types; what is wrong shows
under it, and the equivalent ``docker run`` line is always shown (fields in error left out).
A whole ``docker run ...`` line pasted into the first field fills all the others. Before the
form closes with a spec, a worker looks for taken host ports and risky bind mounts, and each
one found needs a second "yes".
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Collapsible, Input, Label, Select, Static, TextArea

from dockui.engine.models import ContainerInfo
from dockui.engine.options import (
    RESTART_POLICIES,
    OptionError,
    RunSpec,
    VolumeSpec,
    parse_docker_run,
    parse_env_field,
    parse_env_file,
    parse_ports_field,
    parse_restart,
    parse_volumes_field,
    resolve_path,
    split_command,
    validate_name,
)
from dockui.engine.run import DOCKER_SOCKETS, risky_mounts, taken_ports
from dockui.engine.service import EngineError
from dockui.paths import tilde
from dockui.screens.confirm import ConfirmScreen
from dockui.screens.form import FieldError, FormScreen

ADVANCED_FIELDS = ("network", "workdir", "user", "entrypoint")


@dataclass(frozen=True)
class RunContext:
    """What the run form needs to know about its surroundings.

    Attributes:
        project_dir: Where relative volume and env-file paths start.
        home: What ``~`` stands for.
        environ: dockui's environment, for bare ``KEY`` variables.
        containers: The engine's containers now (names in use, published ports).
        networks: Lists the engine's networks; blocking, called in a thread worker.
        remote: The engine runs on another machine (bind paths are on that host).
        sockets: The engine socket's paths, for the risky-mount check.
        prefill: A ``docker run`` line to start from (the last one used for the image).
    """

    project_dir: Path
    home: Path
    environ: Mapping[str, str]
    containers: Callable[[], Iterable[ContainerInfo]]
    networks: Callable[[], list[str]]
    remote: bool = False
    sockets: tuple[str, ...] = DOCKER_SOCKETS
    prefill: str | None = None


@dataclass(frozen=True)
class ShowExisting:
    """The form's answer to ``ctrl+o``: close, and select this container."""

    container_id: str
    name: str


@dataclass
class _Parsed:
    """The fields as parsed now: RunSpec arguments of the valid ones, errors of the others."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


class FieldNote(Static):
    """A remark under a field that does not block the form (a folder that will be created)."""

    DEFAULT_CSS = """
    FieldNote { color: $warning; height: auto; padding: 0 0 0 1; display: none; }
    FieldNote.-shown { display: block; }
    """

    def show_note(self, message: str | None) -> None:
        self.set_class(bool(message), "-shown")
        self.update(Text(message or ""))


class RunDialog(FormScreen[RunSpec | ShowExisting]):
    """Name, command, ports, volumes, environment, restart and more; shows the docker run line.

    Dismisses with the :class:`RunSpec` to run, a :class:`ShowExisting` (``ctrl+o``), or None.
    """

    DEFAULT_CSS = """
    RunDialog .form Label { width: 100%; }
    RunDialog .form #env { height: 5; }
    RunDialog .form .row { height: auto; }
    RunDialog .form .switches { margin-top: 1; }
    RunDialog .form .row Checkbox { margin-right: 2; }
    RunDialog .form #restart { width: 1fr; }
    RunDialog .form #retries { width: 24; }
    RunDialog .form Collapsible { padding: 0; margin-top: 1; border: none; }
    RunDialog .form .keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+y", "copy_line", "Copy the docker run line", priority=True),
        Binding("ctrl+o", "show_existing", "Show the container of that name", priority=True),
    ]

    def __init__(self, image: str, context: RunContext) -> None:
        super().__init__()
        self.image = image
        self.context = context
        self.existing: ContainerInfo | None = None
        """The container that already has the name typed, if any."""
        self._offered = ""
        self._networks: list[str] | None = None
        self._extra_networks: set[str] = set()
        self._checking = False

    # Layout ------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form", id="run-form") as form:
            form.border_title = self._title()
            yield Label("Paste a whole `docker run …` line here to fill the form")
            yield Input(id="paste", placeholder="docker run -d -p 8080:80 --name web nginx")
            yield FieldError(id="err-paste")
            yield from self._basic_fields()
            yield from self._switches()
            with Collapsible(title="Advanced: network, working dir, user, entrypoint",
                             id="advanced"):
                yield from self._advanced_fields()
            yield FieldError(id="err-spec")
            yield Static(id="preview", classes="preview")
            yield Static("ctrl+s run · ctrl+y copy the docker run line · escape close",
                         classes="keys")
            with Horizontal(classes="buttons"):
                yield Button("Run", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def _basic_fields(self) -> ComposeResult:
        yield from _field("name", "Name (--name)", "empty: the engine picks one")
        yield from _field("command", "Command (replaces the image's CMD; split as a shell "
                          "would, not run by one)", "the image's own")
        yield from _field("ports", "Ports (-p): 8080:80, 127.0.0.1:8080:80, 53:53/udp or 80, "
                          "several separated by spaces", "none published")
        yield from _field("volumes", "Volumes (-v): ./data:/data (in the project folder), "
                          "/host/path:/path:ro or name:/path", "none")
        yield FieldNote(id="note-volumes")
        if self.context.remote:
            yield FieldNote("The engine is remote: bind-mount paths are folders on the "
                            "engine's host, not on this machine.", id="note-remote",
                            classes="-shown")
        yield Label("Environment (-e): one KEY=value per line (KEY alone: from dockui's "
                    "environment)")
        yield TextArea(id="env", soft_wrap=False, show_line_numbers=False)
        yield FieldError(id="err-env")
        yield from _field("env_file", "Env file (--env-file), from the project folder",
                          "e.g. .env")

    def _switches(self) -> ComposeResult:
        with Horizontal(classes="row switches"):
            yield Checkbox("Detach (-d)", value=True, id="detach")
            yield Checkbox("Remove on exit (--rm)", id="rm")
        yield Label("Restart policy (--restart)")
        with Horizontal(classes="row"):
            yield Select([(p, p) for p in RESTART_POLICIES], value="no", allow_blank=False,
                         id="restart")
            yield Input(id="retries", placeholder="max retries", disabled=True)
        yield FieldError(id="err-restart")

    def _advanced_fields(self) -> ComposeResult:
        yield Label("Network (--network)")
        yield Select([], prompt="default (bridge)", id="network")
        yield FieldError(id="err-network")
        yield from _field("workdir", "Working directory (-w)", "the image's own")
        yield from _field("user", "User (-u): name, uid or uid:gid", "the image's own")
        yield from _field("entrypoint", "Entrypoint (--entrypoint)", "the image's own")

    def on_mount(self) -> None:
        self.query_one("#paste", Input).focus()
        if self.context.prefill:
            self._prefill(self.context.prefill)
        self.update_preview()
        self.load_networks()

    def _title(self) -> str:
        return f"Run {self.image}"

    # Networks ----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="run-networks", exit_on_error=False)
    def load_networks(self) -> None:
        try:
            names = self.context.networks()
        except EngineError:
            return  # the field then takes any name; the engine will judge
        self.app.call_from_thread(self._set_networks, names)

    def _set_networks(self, names: list[str]) -> None:
        self._networks = names
        self._refresh_network_options()
        self.show_errors()

    def _refresh_network_options(self) -> None:
        select = self.query_one("#network", Select)
        value = select.value
        names = sorted(set(self._networks or ()) | self._extra_networks)
        with self.prevent(Select.Changed):
            select.set_options([(name, name) for name in names])
            if isinstance(value, str) and value in names:
                select.value = value

    def _set_network(self, name: str | None) -> None:
        if name and name not in (self._networks or ()):
            self._extra_networks.add(name)
            self._refresh_network_options()
        select = self.query_one("#network", Select)
        if name:
            select.value = name
        else:
            select.clear()

    # Filling from a line -----------------------------------------------------------------------

    @on(Input.Changed, "#paste")
    def _paste_changed(self, event: Input.Changed) -> None:
        line = event.value.strip()
        if not line:
            return
        try:
            spec = self._parse_line(line)
        except OptionError:
            return  # check() shows why under the paste line
        self.image = spec.image
        self.query_one("#run-form").border_title = self._title()
        self.fill(spec)

    def _parse_line(self, line: str) -> RunSpec:
        ctx = self.context
        return parse_docker_run(line, ctx.project_dir, ctx.home, ctx.environ)

    def _prefill(self, line: str) -> None:
        try:
            spec = self._parse_line(line)
        except OptionError:
            # Something changed since (an env file gone): show the line and its problem.
            self.query_one("#paste", Input).value = line
            return
        self.fill(spec)

    def fill(self, spec: RunSpec) -> None:
        """Set every field (but the paste line and the image) from ``spec``."""
        texts = {
            "name": spec.name,
            "command": shlex.join(spec.command),
            "ports": " ".join(dict.fromkeys(p.spec for p in spec.ports)),
            "volumes": " ".join(shlex.quote(self._volume_text(v)) for v in spec.volumes),
            "env_file": " ".join(shlex.quote(p) for p in spec.env_files),
            "workdir": spec.workdir or "",
            "user": spec.user or "",
            "entrypoint": "" if spec.entrypoint is None else shlex.join(spec.entrypoint),
        }
        for field_id, text in texts.items():
            self.query_one(f"#{field_id}", Input).value = text
        self.query_one("#env", TextArea).text = "\n".join(f"{k}={v}" for k, v in spec.env)
        self.query_one("#detach", Checkbox).value = spec.detach
        self.query_one("#rm", Checkbox).value = spec.remove
        policy, count = spec.restart
        self.query_one("#restart", Select).value = policy
        self.query_one("#retries", Input).value = str(count) if count else ""
        self._set_network(spec.network)
        if any(texts[name] for name in ADVANCED_FIELDS[1:]) or spec.network:
            self.query_one("#advanced", Collapsible).collapsed = False

    def _volume_text(self, volume: VolumeSpec) -> str:
        """The ``-v`` value, a bind under the project folder written as ``./...`` again."""
        project = self.context.project_dir
        source = Path(volume.source)
        if volume.kind == "bind" and source.is_relative_to(project) and source != project:
            return volume.spec.replace(volume.source, f"./{source.relative_to(project)}", 1)
        return volume.spec

    # Parsing and checks ------------------------------------------------------------------------

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def parse(self) -> _Parsed:
        """Parse every field; each one in error is left out of the values."""
        parsed = _Parsed()
        for field_id, parse in (
                ("paste", self._check_paste), ("name", self._parse_name),
                ("command", self._parse_command), ("ports", self._parse_ports),
                ("volumes", self._parse_volumes), ("env", self._parse_env),
                ("env_file", self._parse_env_files), ("restart", self._parse_restart),
                ("network", self._parse_network), ("workdir", self._parse_workdir),
                ("user", self._parse_user), ("entrypoint", self._parse_entrypoint)):
            try:
                parsed.values.update(parse())
            except OptionError as exc:
                parsed.errors[field_id] = str(exc)
        parsed.values["detach"] = self.query_one("#detach", Checkbox).value
        parsed.values["remove"] = self.query_one("#rm", Checkbox).value
        return parsed

    def _check_paste(self) -> dict[str, Any]:
        line = self._value("paste").strip()
        if line:
            self._parse_line(line)
        return {}

    def _parse_name(self) -> dict[str, Any]:
        name = validate_name(self._value("name").strip())
        self.existing = next((c for c in self.context.containers() if name and c.name == name),
                             None)
        if self.existing is not None:
            raise OptionError(f"a container named {name} already exists ({self.existing.state})"
                              ": pick another name, or press ctrl+o to show that one")
        return {"name": name}

    def _parse_command(self) -> dict[str, Any]:
        return {"command": split_command(self._value("command"))}

    def _parse_ports(self) -> dict[str, Any]:
        return {"ports": parse_ports_field(self._value("ports"))}

    def _parse_volumes(self) -> dict[str, Any]:
        ctx = self.context
        return {"volumes": parse_volumes_field(self._value("volumes"), ctx.project_dir,
                                               ctx.home)}

    def _parse_env(self) -> dict[str, Any]:
        text = self.query_one("#env", TextArea).text
        return {"env": parse_env_field(text, self.context.environ)}

    def _parse_env_files(self) -> dict[str, Any]:
        ctx = self.context
        paths = split_command(self._value("env_file"))
        for path in paths:
            parse_env_file(resolve_path(path, ctx.project_dir, ctx.home), ctx.environ)
        return {"env_files": paths}

    def _parse_restart(self) -> dict[str, Any]:
        policy = self.query_one("#restart", Select).value
        policy = policy if isinstance(policy, str) else "no"
        retries = self.query_one("#retries", Input).value.strip()
        count = retries if policy == "on-failure" else ""
        restart = parse_restart(f"{policy}:{count}" if count else policy)
        if restart[0] != "no" and self.query_one("#rm", Checkbox).value:
            raise OptionError("--rm and a restart policy exclude each other (a removed "
                              "container cannot restart): set the policy to no, or untick "
                              "--rm")
        return {"restart": restart}

    def _parse_network(self) -> dict[str, Any]:
        value = self.query_one("#network", Select).value
        name = value if isinstance(value, str) else None
        known = self._networks
        if name and known is not None and name not in known and \
                not name.startswith("container:"):
            raise OptionError(f"no network named {name} on this engine: pick one of "
                              f"{', '.join(known)} (or create it first)")
        return {"network": name}

    def _parse_workdir(self) -> dict[str, Any]:
        workdir = self._value("workdir").strip()
        if workdir and not workdir.startswith("/"):
            raise OptionError(f"working directory '{workdir}' is not absolute: "
                              f"write /{workdir}")
        return {"workdir": workdir or None}

    def _parse_user(self) -> dict[str, Any]:
        user = self._value("user").strip()
        if any(ch.isspace() for ch in user):
            raise OptionError(f"user '{user}' holds whitespace: write a name, a uid or "
                              "uid:gid, e.g. 1000:1000")
        return {"user": user or None}

    def _parse_entrypoint(self) -> dict[str, Any]:
        text = self._value("entrypoint")
        return {"entrypoint": split_command(text) if text.strip() else None}

    def spec(self, parsed: _Parsed | None = None) -> RunSpec:
        """The spec of the fields as they are (fields in error left out)."""
        parsed = parsed or self.parse()
        return RunSpec(image=self.image, **parsed.values)

    def check(self) -> dict[str, str]:
        parsed = self.parse()
        if not parsed.errors:
            try:
                self.spec(parsed).check()
            except OptionError as exc:  # what no single field shows
                parsed.errors["spec"] = str(exc)
        return parsed.errors

    def result(self) -> RunSpec:
        return self.spec()

    # Live feedback -----------------------------------------------------------------------------

    @on(TextArea.Changed, "#env")
    def _env_changed(self) -> None:
        self.show_errors()
        self.update_preview()

    def update_preview(self) -> None:
        parsed = self.parse()
        line = Text("$ " + self.spec(parsed).to_cli(mask_secrets=True))
        if parsed.errors:
            line.append("\n(fields marked above are left out until they are fixed)",
                        style="dim")
        self.query_one("#preview", Static).update(line)
        policy = self.query_one("#restart", Select).value
        self.query_one("#retries", Input).disabled = policy != "on-failure"
        self._show_volume_note(parsed.values.get("volumes", ()))
        self._offer_existing()

    def _show_volume_note(self, volumes: Iterable[VolumeSpec]) -> None:
        missing = [tilde(v.source, self.context.home) for v in volumes if not v.source_exists]
        note = None
        if missing and not self.context.remote:
            note = (f"{', '.join(missing)} does not exist yet: it will be created (as "
                    "docker run does)")
        self.query_one("#note-volumes", FieldNote).show_note(note)

    def _offer_existing(self) -> None:
        """Say once per name that ctrl+o shows the container that has it."""
        existing = self.existing
        if existing is None or existing.id == self._offered:
            return
        self._offered = existing.id
        self.notify(f"A container named {existing.name} exists: ctrl+o shows it.",
                    title="Name in use", timeout=6, markup=False)

    # Keys --------------------------------------------------------------------------------------

    def action_copy_line(self) -> None:
        parsed = self.parse()
        self.app.copy_to_clipboard(self.spec(parsed).to_cli())
        left_out = " (fields in error left out)" if parsed.errors else ""
        self.notify(f"Copied the docker run line{left_out}.", title="Clipboard", timeout=3)

    def action_show_existing(self) -> None:
        if self.existing is None:
            self.notify("No container has the name typed.", severity="warning", timeout=3)
            return
        self.dismiss(ShowExisting(self.existing.id, self.existing.name))

    # Submit: risky choices get a second question -----------------------------------------------

    def action_submit(self) -> None:
        if self._checking:
            return
        errors = self.show_errors()
        if errors:
            self.point_at(*next(iter(errors.items())))
            return
        self._checking = True
        self.find_risks(self.result(), list(self.context.containers()))

    def reveal(self, field_id: str) -> None:
        if field_id in ADVANCED_FIELDS:
            self.query_one("#advanced", Collapsible).collapsed = False

    @work(thread=True, exclusive=True, group="run-risks", exit_on_error=False)
    def find_risks(self, spec: RunSpec, containers: list[ContainerInfo]) -> None:
        ctx = self.context
        questions = []
        ports = taken_ports(spec, containers, local=not ctx.remote)
        if ports:
            questions.append(("A host port is taken", "\n".join(ports) + "\n\nThe start will "
                              "fail unless it is freed first. Create the container anyway?"))
        mounts = risky_mounts(spec.volumes, ctx.home, ctx.sockets)
        if mounts:
            questions.append(("A risky bind mount", "\n".join(mounts) + "\n\nThe container "
                              "can read and change it. Run it anyway?"))
        self.app.call_from_thread(self._ask, spec, questions)

    def _ask(self, spec: RunSpec, questions: list[tuple[str, str]]) -> None:
        if self.app.screen is not self:
            return  # closed meanwhile
        if not questions:
            self._checking = False
            self.dismiss(spec)
            return
        title, body = questions[0]

        def answered(yes: bool | None) -> None:
            if yes:
                self._ask(spec, questions[1:])
            else:
                self._checking = False
                self.notify("Nothing was created.", timeout=3)

        self.app.push_screen(ConfirmScreen(title, Text(body), yes="Run anyway"), answered)


def _field(field_id: str, label: str, placeholder: str) -> ComposeResult:
    """A label, an input and the error line under it."""
    yield Label(label)
    yield Input(id=field_id, placeholder=placeholder)
    yield FieldError(id=f"err-{field_id}")
