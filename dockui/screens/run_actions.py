"""`r` in Images: the run form, then create + start."""

from __future__ import annotations


class RunActions:
    """Mixed into the main screen."""

    def action_run_image(self) -> None:
        self.notify("The run form is on its way.", severity="warning")
