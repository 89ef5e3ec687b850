"""Building from the Project pane against the real engine."""

from __future__ import annotations

import re
import shutil

import pytest

from dockui.widgets.images_table import ImagesTable
from dockui.widgets.logs_pane import LogsPane
from tests.support.images import static_busybox
from tests.ui.conftest import wait_for

SIZE = (140, 40)


@pytest.fixture
def busybox_project(tmp_path, docker_client):
    """A project folder whose Dockerfile builds FROM scratch with busybox."""
    project = tmp_path / "hello-build"
    project.mkdir()
    shutil.copy(static_busybox(), project / "busybox")
    (project / "Dockerfile").write_text(
        'FROM scratch\nCOPY busybox /bin/busybox\n'
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]\nENV PATH=/bin\n'
        'RUN echo "building step output"\n')
    (project / ".dockerignore").write_text(".git\n")
    yield project
    for image in docker_client.images.list(name="hello-build"):
        for tag in image.tags:
            docker_client.images.remove(tag, force=True)


def _log_text(app) -> str:
    return "\n".join(app.main.query_one(LogsPane).view.visible_lines())


async def _open_build_form(pilot):
    await pilot.press("1", "b")
    await pilot.pause()


async def test_build_tags_the_image_and_streams_output(app_factory, busybox_project,
                                                       docker_client):
    app = app_factory(project_dir=busybox_project)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.engine is not None, what="the engine")
        await _open_build_form(pilot)
        form = app.screen
        assert form.query_one("#tags").value == "hello-build:latest"
        await pilot.click("#stamp")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "✔ built" in _log_text(app), timeout=60,
                       what="the build to finish")
        log = _log_text(app)
        assert re.search(r'Step 5/\d : RUN echo "building step output"', log)
        assert "building step output" in log
        tags = {t for i in docker_client.images.list(name="hello-build") for t in i.tags}
        assert "hello-build:latest" in tags
        assert any(re.fullmatch(r"hello-build:\d{14}", t) for t in tags), tags
        images = app.main.query_one(ImagesTable)
        await wait_for(pilot, lambda: (images.selected_tag or "").startswith("hello-build:"),
                       what="the new image to be selected")


async def test_a_failing_step_is_shown_and_the_app_lives_on(app_factory, busybox_project,
                                                            docker_client):
    (busybox_project / "Dockerfile").write_text(
        'FROM scratch\nCOPY busybox /bin/busybox\n'
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]\nENV PATH=/bin\n'
        'RUN echo "about to fail" && exit 7\n')
    app = app_factory(project_dir=busybox_project)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.engine is not None, what="the engine")
        await _open_build_form(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "✖" in _log_text(app), timeout=60, what="the failure")
        log = _log_text(app)
        assert re.search(r'step 5/\d \(RUN echo "about to fail" && exit 7\) failed, exit code 7',
                         log)
        assert "│ about to fail" in log
        await pilot.press("3", "2")
        assert app.is_running
        leftovers = docker_client.containers.list(all=True, filters={"status": "exited",
                                                                      "ancestor": "hello-build"})
        assert leftovers == []


async def test_escape_cancels_a_slow_build(app_factory, busybox_project, docker_client):
    (busybox_project / "Dockerfile").write_text(
        'FROM scratch\nCOPY busybox /bin/busybox\n'
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]\nENV PATH=/bin\n'
        'RUN echo slow-step-started && sleep 60\n')
    app = app_factory(project_dir=busybox_project)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.engine is not None, what="the engine")
        await _open_build_form(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "slow-step-started" in _log_text(app), timeout=30,
                       what="the slow step")
        await pilot.press("4", "escape")
        await wait_for(pilot, lambda: app.main.query_one(LogsPane).building is None,
                       timeout=10, what="the cancel")
        assert not docker_client.images.list(name="hello-build")
        running = docker_client.containers.list(sparse=True, filters={"status": "running"})
        assert not any("sleep 60" in str(c.attrs.get("Command", "")) for c in running)


async def test_bad_tag_blocks_the_build(app_factory, busybox_project, docker_client):
    app = app_factory(project_dir=busybox_project)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.engine is not None, what="the engine")
        await _open_build_form(pilot)
        form = app.screen
        form.query_one("#tags").value = "Hello Build"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "separate several tags" in str(form.query_one("#err-tags").render()) or \
            "lowercase" in str(form.query_one("#err-tags").render())
        await pilot.press("escape")
        assert app.screen is app.main
        assert not docker_client.images.list(name="hello-build")
