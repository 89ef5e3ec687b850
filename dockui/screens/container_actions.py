"""Containers pane actions: the lifecycle keys, inspect and exec."""

from __future__ import annotations

import json

from rich.text import Text

from dockui.engine.models import ContainerInfo
from dockui.engine.sanitize import clean
from dockui.screens.confirm import ConfirmScreen
from dockui.screens.details import DetailsScreen
from dockui.widgets.containers_table import ContainersTable, applies

SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH", "PRIVATE")


class ContainerActions:
    """Mixed into the main screen."""

    # A plain method name, not @on: Textual collects @on handlers only from widget classes.
    def on_containers_table_lifecycle(self, event: ContainersTable.Lifecycle) -> None:
        targets = [c for c in event.containers if applies(event.op, c)]
        if not targets:
            return
        handler = getattr(self, f"_container_{event.op}")
        handler(targets)

    def _simple(self, verb: str, targets: list[ContainerInfo], method: str, done: str,
                extra: tuple[str, ...] = ()) -> None:
        for c in targets:
            self.engine_call(["docker", verb, *extra, c.name],
                             lambda e, c=c: getattr(e, method)(c.id), f"{done} {c.name}")

    def _container_stop(self, targets: list[ContainerInfo]) -> None:
        names = ", ".join(c.name for c in targets)
        self.notify(f"Stopping {names}… (the engine waits up to 10 s; k kills at once)",
                    timeout=4)
        self._simple("stop", targets, "stop", "Stopped")

    def _container_start(self, targets: list[ContainerInfo]) -> None:
        self._simple("start", targets, "start", "Started")

    def _container_restart(self, targets: list[ContainerInfo]) -> None:
        self._simple("restart", targets, "restart", "Restarted")

    def _container_kill(self, targets: list[ContainerInfo]) -> None:
        self._simple("kill", targets, "kill", "Killed")

    def _container_pause(self, targets: list[ContainerInfo]) -> None:
        for c in targets:
            if c.state == "paused":
                self._simple("unpause", [c], "unpause", "Unpaused")
            else:
                self._simple("pause", [c], "pause", "Paused")

    def _container_remove(self, targets: list[ContainerInfo]) -> None:
        running = [c for c in targets if c.running]
        names = ", ".join(c.name for c in targets)
        body = Text(f"Its filesystem (everything not in a volume) is lost: {names}.")
        if running:
            body.append(f"\n{len(running)} running: they are killed first (force).",
                        style="yellow")
        body.append("\nNamed volumes are never removed here.", style="dim")
        screen = ConfirmScreen(
            f"Remove {len(targets)} container(s)?" if len(targets) > 1 else f"Remove {names}?",
            body, yes="Remove", option="Also remove its anonymous volumes (-v)")

        def done(ok: bool | None) -> None:
            if not ok:
                return
            volumes = screen.option_value
            for c in targets:
                force = c.running
                argv = ["docker", "rm", *(["-f"] if force else []), *(["-v"] if volumes else []),
                        c.name]
                self.engine_call(argv, lambda e, c=c, f=force: e.remove_container(
                    c.id, force=f, volumes=volumes), f"Removed {c.name}")
            self.containers.marked.clear()
            self.containers.invalidate_cells()
            self.containers.refresh_rows()

        self.app.push_screen(screen, done)

    def _container_inspect(self, targets: list[ContainerInfo]) -> None:
        c = targets[0]

        def show(data: dict) -> None:
            from rich.syntax import Syntax  # pygments: only when inspecting

            body = Syntax(json.dumps(mask_secrets(data), indent=2), "json",
                          theme="ansi_dark", background_color="default", word_wrap=True)
            self.app.push_screen(DetailsScreen(f"Inspect {c.name}  (secret-looking env values "
                                               "masked)", body))

        self.engine_call(["docker", "inspect", c.name], lambda e: e.inspect_container(c.id),
                         "", show)

    def _container_exec(self, targets: list[ContainerInfo]) -> None:
        self.exec_shell(targets[0])


def mask_secrets(data: dict) -> dict:
    """A copy of an inspect document, sanitized, with secret-looking env values as ``****``."""

    def walk(value: object) -> object:
        if isinstance(value, dict):
            return {clean(k): walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return clean(value) if isinstance(value, str) else value

    out = walk(data)
    env = (out.get("Config") or {}).get("Env") if isinstance(out, dict) else None
    if isinstance(env, list):
        out["Config"]["Env"] = [_mask(item) for item in env]
    return out


def _mask(item: str) -> str:
    key, eq, value = item.partition("=")
    if eq and value and any(word in key.upper() for word in SECRET_WORDS):
        return f"{key}=****"
    return item
