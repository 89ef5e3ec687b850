"""ctrl+p: every action of every pane, searchable by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (title, help, target, action): target is "screen", "app" or "containers"; the action is
# called as it would be by its key, so the palette and the keys can never disagree.
ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Build the project's image", "b — the build form", "screen", "build"),
    ("Generate a Dockerfile and .dockerignore", "g — preview first, never overwrites",
     "screen", "generate"),
    ("Write a clean requirements.txt from the project's virtualenv",
     "pip list --format=freeze, no file:// lines; preview first", "screen",
     "clean_requirements"),
    ("Re-read the project folder", "R", "screen", "rescan"),
    ("Run the selected image", "r in Images — the run form", "screen", "run_image"),
    ("Tag the selected image", "t in Images", "screen", "tag_image"),
    ("Push the selected tag", "P in Images", "screen", "push_image"),
    ("Remove the selected image", "d in Images", "screen", "remove_image"),
    ("Show the selected image's details and layers", "enter in Images", "screen",
     "image_details"),
    ("Open a shell in the selected container", "e in Containers", "containers",
     "lifecycle('exec')"),
    ("Run another command in the selected container (e.g. python)", "exec with a command",
     "screen", "exec_command"),
    ("Stop the selected container(s)", "s", "containers", "lifecycle('stop')"),
    ("Start the selected container(s)", "S", "containers", "lifecycle('start')"),
    ("Restart the selected container(s)", "r", "containers", "lifecycle('restart')"),
    ("Pause or unpause the selected container", "p", "containers", "lifecycle('pause')"),
    ("Kill the selected container(s)", "k", "containers", "lifecycle('kill')"),
    ("Remove the selected container(s)", "d", "containers", "lifecycle('remove')"),
    ("Inspect the selected container", "i", "containers", "lifecycle('inspect')"),
    ("Show or hide stopped containers", "a", "containers", "toggle_all"),
    ("Prune stopped containers", "preview of what goes and the space it frees", "screen",
     "prune_containers"),
    ("Prune dangling images", "preview of what goes and the space it frees", "screen",
     "prune_images"),
    ("Follow the logs of the selected container's compose project",
     "every container of the project, interleaved by time", "screen", "project_logs"),
    ("Save the logs shown to a file", "ctrl+s in Logs", "screen", "save_logs"),
    ("Command log: every action as a docker command", "L", "screen", "command_log"),
    ("Switch engine (contexts, DOCKER_HOST, saved hosts)", "H", "app", "switch_host"),
    ("Help: every key", "?", "app", "help"),
    ("Quit", "q", "app", "quit"),
)


class DockuiCommands(Provider):
    """The palette's dockui section."""

    def _callback(self, target: str, action: str) -> Callable[[], Any]:
        app: Any = self.app
        node = {"app": app, "screen": app.main, "containers": app.main.containers}[target]
        return partial(app.run_action, action, node)

    async def discover(self) -> Hits:
        for title, help_text, target, action in ACTIONS:
            yield DiscoveryHit(title, self._callback(target, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, target, action in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._callback(target, action),
                          help=help_text)
