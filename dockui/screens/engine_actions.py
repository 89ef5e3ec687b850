"""Running one engine action off the UI thread, with its CLI line in the command log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dockui.engine.errors import EngineError

if TYPE_CHECKING:
    from dockui.engine.service import Engine


class EngineActions:
    """Mixed into the main screen: ``engine_call`` is how every action reaches the engine."""

    def engine_call(self, argv: list[str], call: Callable[[Engine], Any], done: str = "",
                    then: Callable[[Any], None] | None = None) -> None:
        """Run ``call(engine)`` in a thread worker; report the outcome as a notification.

        Args:
            argv: The docker CLI line that does the same (for the command log).
            call: The blocking engine call.
            done: What to say when it worked ("" says nothing).
            then: Called on the UI thread with the call's result when it worked.
        """
        app: Any = self.app
        engine = app.engine
        if engine is None:
            self.notify("Not connected to an engine.", severity="error")
            return

        def work() -> None:
            try:
                result = call(engine)
            except EngineError as exc:
                app.call_from_thread(app.command_log.add, argv, False, str(exc))
                app.call_from_thread(app.notify, str(exc), title=" ".join(argv[:3]),
                                     severity="error", timeout=8)
                return
            app.call_from_thread(app.command_log.add, argv, True, done)
            if done:
                app.call_from_thread(app.notify, done, timeout=3)
            if then is not None:
                app.call_from_thread(then, result)

        self.run_worker(work, name=argv[1] if len(argv) > 1 else "engine",
                        group="actions", thread=True, exit_on_error=False)
