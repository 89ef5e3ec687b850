"""`P` pushes the selected tag; a registry that wants a login gets the login form."""

from __future__ import annotations

import uuid

import pytest

from dockui.widgets.images_table import ImagesTable
from dockui.widgets.logs_pane import LogsPane
from tests.support.registry import (  # noqa: F401  (the fixtures: pytest finds them here)
    auth_registry_fixture,
    open_registry_fixture,
)
from tests.ui.conftest import wait_for

SIZE = (140, 40)


@pytest.fixture(autouse=True)
def private_docker_config(tmp_path, monkeypatch):
    """No real credentials in, none written out."""
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))


@pytest.fixture
def pushable(docker_client, busybox_image):
    made = []

    def tag_for(registry) -> str:
        reference = f"{registry.host}/dockui-test/pushui:{uuid.uuid4().hex[:6]}"
        repo, tag = reference.rsplit(":", 1)
        docker_client.images.get(busybox_image).tag(repo, tag)
        made.append(reference)
        return reference

    yield tag_for
    for reference in made:
        docker_client.images.remove(reference, force=True)


def _log(app) -> str:
    return "\n".join(app.main.query_one(LogsPane).view.visible_lines())


async def _select(pilot, app, reference: str) -> None:
    images = app.main.query_one(ImagesTable)
    await wait_for(pilot, lambda: any(reference in key for key in images._shown),
                   what="the tag in Images")
    await pilot.press("2")
    images.select_key(next(k for k in images._shown if k.endswith("|" + reference)))
    await pilot.pause()


async def test_push_shows_progress_and_lands_in_the_registry(app_factory, open_registry,
                                                             pushable, docker_client):
    reference = pushable(open_registry)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _select(pilot, app, reference)
        await pilot.press("P")
        await wait_for(pilot, lambda: "✔ pushed" in _log(app), timeout=60, what="the push")
        assert "Pushed" in _log(app) or "Layer already exists" in _log(app)
    image_id = docker_client.images.get(reference).id
    docker_client.images.remove(reference, force=True)
    pulled = docker_client.images.pull(reference)
    assert pulled.id == image_id


async def test_a_registry_asking_for_login_gets_the_form(app_factory, auth_registry, pushable):
    reference = pushable(auth_registry)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await _select(pilot, app, reference)
        await pilot.press("P")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LoginDialog", timeout=60,
                       what="the login form")
        form = app.screen
        form.query_one("#username").value = auth_registry.username
        form.query_one("#password").value = auth_registry.password
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "✔ pushed" in _log(app), timeout=60,
                       what="the push after login")
        assert app.screen is app.main
