"""`P` in Images: push a tag to its registry, logging in when the registry asks."""

from __future__ import annotations

import time
from typing import Any

from textual import work

from dockui.engine.errors import EngineError
from dockui.messages import JobEnded, JobProgress
from dockui.screens.login_dialog import Login, LoginDialog
from dockui.widgets.images_table import ImagesTable


class PushActions:
    """Mixed into the main screen."""

    def action_push_image(self) -> None:
        tag = self.query_one(ImagesTable).selected_tag
        if not tag:
            self.notify("Select a tagged image: a push needs a name such as "
                        "127.0.0.1:5000/app:1.0 (t adds one).", severity="warning", timeout=6)
            return
        if self.app.engine is None:
            self.notify("Not connected to an engine.", severity="error")
            return
        from dockui.engine.registry import registry_of  # docker-py: at the first push

        registry = registry_of(tag)
        self.logs_pane.start_job(f"pushing {tag} to {registry}", f"$ docker push {tag}")
        self.action_focus_pane("logs")
        self.run_push(tag)

    @work(thread=True, exclusive=True, group="push", exit_on_error=False)
    def run_push(self, reference: str) -> None:
        from dockui.engine.registry import AuthRequired, push

        api = self.app.engine.api
        started = time.monotonic()
        last = 0.0
        seen: dict[str, str] = {}
        try:
            digest = ""
            for progress in push(api, reference):
                digest = progress.digest or digest
                line = None
                if progress.layer and seen.get(progress.layer) != progress.status:
                    seen[progress.layer] = progress.status
                    line = f"{progress.layer}: {progress.status}"
                now = time.monotonic()
                if line or now - last > 0.1:
                    last = now
                    self.post_message(JobProgress([line] if line else [],
                                                  progress.layers_done, progress.layers_total))
        except AuthRequired as exc:
            self.post_message(JobEnded(False, str(exc), login_for=(exc.registry, reference)))
            return
        except EngineError as exc:
            self.post_message(JobEnded(False, str(exc)))
            return
        elapsed = time.monotonic() - started
        text = f"pushed {reference} in {elapsed:.1f} s" + (f" ({digest})" if digest else "")
        self.app.call_from_thread(self.app.command_log.add, ["docker", "push", reference],
                                  True, digest)
        self.post_message(JobEnded(True, text))

    def on_job_progress(self, message: JobProgress) -> None:
        self.logs_pane.job_progress(message.lines, message.done, message.total)

    def on_job_ended(self, message: JobEnded) -> None:
        self.logs_pane.end_job(message.ok, message.text)
        if message.ok:
            self.notify(message.text, title="Push done")
        elif message.login_for:
            registry, reference = message.login_for
            self._ask_login(registry, reference, f"{registry} asks for a login to push "
                                                 f"{reference}.")
        else:
            self.notify(message.text, title="Push failed", severity="error", timeout=10)

    def _ask_login(self, registry: str, reference: str, reason: str) -> None:
        def answered(credentials: Login | None) -> None:
            if credentials is not None:
                self.log_in_and_push(credentials, reference)

        self.app.push_screen(LoginDialog(registry, reason), answered)

    @work(thread=True, exclusive=True, group="push", exit_on_error=False)
    def log_in_and_push(self, credentials: Login, reference: str) -> None:
        from dockui.engine.registry import LoginRejected, login

        app: Any = self.app
        try:
            login(app.engine.api, credentials.registry, credentials.username,
                  credentials.password, save=credentials.save)
        except LoginRejected as exc:
            app.call_from_thread(self._ask_login, credentials.registry, reference, str(exc))
            return
        except EngineError as exc:
            app.call_from_thread(self.notify, str(exc), title="Login failed", severity="error")
            return
        app.call_from_thread(app.command_log.add,
                             ["docker", "login", "-u", credentials.username,
                              credentials.registry], True, "")
        app.call_from_thread(self.action_push_image_ref, reference)

    def action_push_image_ref(self, reference: str) -> None:
        self.logs_pane.start_job(f"pushing {reference}", f"$ docker push {reference}")
        self.run_push(reference)
