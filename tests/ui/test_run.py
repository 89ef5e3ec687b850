"""The run form (`r` on an image) against the real engine."""

from __future__ import annotations

import contextlib
import json
import socket
import urllib.request
import uuid
from pathlib import Path

import docker
import pytest
from textual.app import App

from dockui.engine.options import RunSpec
from dockui.screens import run_actions
from dockui.screens.confirm import ConfirmScreen
from dockui.screens.run_actions import KeepQuestion
from dockui.screens.run_dialog import RunContext, RunDialog
from dockui.widgets.images_table import ImagesTable
from tests.conftest import TEST_LABEL
from tests.ui.conftest import screen_text, wait_for

SIZE = (120, 40)
ENGINE_WAIT = 60.0
"""Seconds to allow for anything the engine does: the machine running the tests is busy."""


@pytest.fixture(autouse=True)
def config_home(tmp_path, monkeypatch):
    """The run history goes to a folder of the test's own."""
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def labelled(monkeypatch):
    """Every container the form creates carries the test label (the session cleans it up)."""
    monkeypatch.setattr(run_actions, "EXTRA_LABELS", {TEST_LABEL: "1"})


@pytest.fixture
def names(docker_client):
    """Fresh container names; whatever got them is removed after the test."""
    given: list[str] = []

    def new() -> str:
        given.append(f"dockui-test-run-{uuid.uuid4().hex[:8]}")
        return given[-1]

    yield new
    for name in given:
        # APIError too: another test session's cleanup may be removing it already.
        with contextlib.suppress(docker.errors.APIError):
            docker_client.containers.get(name).remove(force=True, v=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _created_count(client, project_dir) -> int:
    """Containers the form created for this test (its project folder is the test's own)."""
    label = f"dockui.project={project_dir}"
    return len(client.containers.list(all=True, sparse=True, filters={"label": label}))


def _named(client, name: str):
    try:
        return client.containers.get(name)
    except docker.errors.NotFound:
        return None


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:
            return answer.read().decode()
    except OSError:
        return None


async def _open_form(pilot, app, image: str) -> RunDialog:
    """Select ``image`` in Images with the `/` filter, then press `r`."""
    images = app.main.query_one(ImagesTable)
    await wait_for(pilot, lambda: app.engine is not None, ENGINE_WAIT, "the engine")
    await wait_for(pilot, lambda: any(k.endswith("|" + image) for k in images._shown),
                   ENGINE_WAIT, "the image in the list")
    await pilot.press("2", "slash", *"busybox", "enter")
    await wait_for(pilot, lambda: images.selected_tag == image, what="the image selected")
    await pilot.press("r")
    await wait_for(pilot, lambda: isinstance(app.screen, RunDialog), what="the run form")
    await pilot.pause()
    return app.screen


async def _set(pilot, form: RunDialog, **fields: str) -> None:
    for field_id, value in fields.items():
        widget = form.query_one(f"#{field_id}")
        if field_id == "env":
            widget.text = value
        else:
            widget.value = value
    await pilot.pause()


def _error(form: RunDialog, field_id: str) -> str:
    widget = form.query_one(f"#err-{field_id}")
    return str(widget.render()) if widget.has_class("-shown") else ""


async def test_run_publishes_mounts_and_sets_the_environment(
        app_factory, project_dir, busybox_image, docker_client, names, config_home):
    port = _free_port()
    name = names()
    (project_dir / "app.env").write_text("FROM_FILE=yes\n")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app, busybox_image)
        assert busybox_image in form.query_one("#run-form").border_title
        await _set(pilot, form, name=name, ports=f"127.0.0.1:{port}:80", volumes="./data:/data",
                   env="GREETING=hello world", env_file="app.env",
                   command="sh -c 'echo from-container > /data/out.txt; "
                           "exec httpd -f -p 80 -h /data'")
        assert "will be created (as docker run does)" in str(
            form.query_one("#note-volumes").render())
        preview = str(form.query_one("#preview").render())
        assert f"-p 127.0.0.1:{port}:80" in preview and "--env-file app.env" in preview
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is app.main, ENGINE_WAIT, "the form to close")
        await wait_for(pilot, lambda: _named(docker_client, name) is not None, ENGINE_WAIT,
                       "the container")
        container = _named(docker_client, name)

        # The app selects the new container and follows its logs.
        await wait_for(pilot, lambda: app.main.containers.selected_key == container.id,
                       ENGINE_WAIT, "the container selected")
        logs = app.main.logs_pane
        assert logs.container is not None and logs.container.id == container.id
        entry = app.command_log.entries[-1]
        assert entry.ok and entry.argv[:2] == ("docker", "run") and name in entry.argv

        attrs = container.attrs
        assert attrs["HostConfig"]["PortBindings"] == {
            "80/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(port)}]}
        binds = [m for m in attrs["Mounts"] if m["Type"] == "bind"]
        assert [(m["Source"], m["Destination"]) for m in binds] == [
            (str(project_dir / "data"), "/data")]
        assert {"GREETING=hello world", "FROM_FILE=yes"} <= set(attrs["Config"]["Env"])
        assert attrs["Config"]["Labels"][TEST_LABEL] == "1"
        assert attrs["Config"]["Labels"]["dockui.project"] == str(project_dir)
        assert (project_dir / "data").is_dir()

        # httpd in the container serves the file it wrote into the bind mount.
        url = f"http://127.0.0.1:{port}/out.txt"
        await wait_for(pilot, lambda: _fetch(url) == "from-container\n", ENGINE_WAIT,
                       "httpd to answer")
        assert (project_dir / "data" / "out.txt").read_text() == "from-container\n"

    # The options are remembered for the image.
    stored = json.loads((config_home / "dockui" / "run_history.json").read_text())
    line = stored["images"][busybox_image]["line"]
    assert f"127.0.0.1:{port}:80" in line and "'GREETING=hello world'" in line


async def test_rm_and_restart_policy_reach_the_host_config(
        app_factory, busybox_image, docker_client, names):
    first, second = names(), names()
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app, busybox_image)
        await _set(pilot, form, name=first, command="sleep 300")
        form.query_one("#rm").value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _named(docker_client, first) is not None, ENGINE_WAIT,
                       "the --rm container")
        assert _named(docker_client, first).attrs["HostConfig"]["AutoRemove"] is True

        await pilot.press("2")
        form = await _open_form(pilot, app, busybox_image)
        # The last options come back (from the history): the name is now taken.
        assert form.query_one("#command").value == "sleep 300"
        assert form.query_one("#rm").value is True
        assert "already exists" in _error(form, "name")
        await _set(pilot, form, name=second)
        form.query_one("#restart").value = "on-failure"
        await pilot.pause()
        assert "exclude each other" in _error(form, "restart")
        form.query_one("#rm").value = False
        await _set(pilot, form, retries="3")
        assert _error(form, "restart") == ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _named(docker_client, second) is not None, ENGINE_WAIT,
                       "the restarting container")
        policy = _named(docker_client, second).attrs["HostConfig"]["RestartPolicy"]
        assert policy == {"Name": "on-failure", "MaximumRetryCount": 3}


async def test_the_paste_line_fills_the_form(app_factory, busybox_image, project_dir, names):
    name = names()
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app, busybox_image)
        line = (f"docker run -d --name {name} -p 127.0.0.1:8081:80 -v ./data:/data:ro "
                "-e A=1 -e 'B=two words' --restart unless-stopped -w /tmp -u 1000 "
                f"--network bridge {busybox_image} sleep 100")
        await _set(pilot, form, paste=line)
        await wait_for(pilot, lambda: form.query_one("#name").value == name,
                       what="the fields filled")
        await pilot.pause()
        value = {f: form.query_one(f"#{f}").value for f in
                 ("ports", "volumes", "command", "workdir", "user", "restart", "network")}
        assert value == {"ports": "127.0.0.1:8081:80", "volumes": "./data:/data:ro",
                         "command": "sleep 100", "workdir": "/tmp", "user": "1000",
                         "restart": "unless-stopped", "network": "bridge"}
        assert form.query_one("#env").text == "A=1\nB=two words"
        assert form.query_one("#detach").value is True
        assert _error(form, "paste") == ""
        assert f"--name {name}" in str(form.query_one("#preview").render())

        # An unknown flag is refused, and nothing is filled.
        await _set(pilot, form, ports="9999:80")
        await _set(pilot, form, paste=f"docker run --privileged -p 1234:80 {busybox_image}")
        assert "--privileged is not supported" in _error(form, "paste")
        assert form.query_one("#ports").value == "9999:80"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form

        # ctrl+y copies the line, secrets unmasked (the preview masks them).
        await _set(pilot, form, paste="", env="API_TOKEN=s3cret")
        assert "API_TOKEN=****" in str(form.query_one("#preview").render())
        await pilot.press("ctrl+y")
        assert "API_TOKEN=s3cret" in app.clipboard


@pytest.mark.parametrize(("field_id", "value", "message"), [
    ("ports", "99999:80", "host port 99999 is out of range"),
    ("volumes", "rel/dir:/x", "neither a volume name nor a host path"),
    ("volumes", "a:/x", "volume name 'a' is not valid"),
    ("env", "=x", "no variable name before '='"),
    ("name", "-bad", "must start with a letter or digit"),
    ("command", "echo 'unclosed", "unbalanced quote"),
    ("env_file", "missing.env", "does not exist"),
    ("workdir", "relative", "is not absolute"),
])
async def test_a_bad_value_blocks_creation(app_factory, busybox_image, docker_client,
                                           project_dir, field_id, value, message):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app, busybox_image)
        await _set(pilot, form, **{field_id: value})
        assert message in _error(form, field_id)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "left out until they are fixed" in str(form.query_one("#preview").render())
        await pilot.press("escape")
        assert app.screen is app.main
    assert _created_count(docker_client, project_dir) == 0


async def test_a_taken_port_names_its_container(app_factory, busybox_image, docker_client,
                                                project_dir, make_container, names):
    port = _free_port()
    holder = make_container("httpd -f -p 80", ports={"80/tcp": ("127.0.0.1", port)})
    name = names()
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: holder.id in app.main.containers.items, ENGINE_WAIT,
                       "the port's holder in the list")
        form = await _open_form(pilot, app, busybox_image)
        await _set(pilot, form, name=name, ports=f"{port}:80")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), ENGINE_WAIT,
                       "the question")
        assert holder.name in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form, what="back to the form")
        assert _named(docker_client, name) is None
        assert _created_count(docker_client, project_dir) == 0


async def test_a_risky_mount_needs_a_yes(app_factory, busybox_image, docker_client, names):
    name = names()
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app, busybox_image)
        await _set(pilot, form, name=name, volumes="/var/run/docker.sock:/s /etc:/host-etc")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), ENGINE_WAIT,
                       "the question")
        text = screen_text(app)
        assert "Docker socket" in text and "system configuration" in text
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form, what="back to the form")
        assert _named(docker_client, name) is None


async def test_a_failed_start_leaves_nothing_behind(app_factory, busybox_image, docker_client,
                                                    names):
    name = names()
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app, busybox_image)
        await _set(pilot, form, name=name, command="nosuchcmd")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, KeepQuestion), ENGINE_WAIT,
                       "the keep question")
        text = screen_text(app)
        assert "nosuchcmd" in text and "Keep the created container?" in text
        assert _named(docker_client, name) is not None
        await pilot.press("n")
        await wait_for(pilot, lambda: _named(docker_client, name) is None, ENGINE_WAIT,
                       "the half-made container to go")
        assert not app.command_log.entries[0].ok


async def test_a_name_in_use_offers_the_existing_container(app_factory, busybox_image,
                                                           make_container):
    existing = make_container("sleep 3600")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: existing.id in app.main.containers.items, ENGINE_WAIT,
                       "the container in the list")
        form = await _open_form(pilot, app, busybox_image)
        await _set(pilot, form, name=existing.name)
        assert "already exists" in _error(form, "name")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen is app.main, what="the form to close")
        assert app.main.containers.selected_key == existing.id
        assert app.main.active == "containers"


async def test_the_form_fits_80x24(app_factory, busybox_image):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(pilot, app, busybox_image)
        region = form.query_one("#run-form").region
        assert region.right <= 80 and region.bottom <= 24
        await _set(pilot, form, ports="99999:80")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.focused is form.query_one("#ports")
        assert form.query_one("#ports").region.bottom <= 24  # scrolled into view


# The form alone, without an engine ------------------------------------------------------------

class _FormApp(App):
    """Only the run form, on a stand-in context."""

    def __init__(self, dialog: RunDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.outcome: object = None

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.form_closed)

    def form_closed(self, result: object) -> None:
        self.outcome = result


def _context(project: Path, **kwargs) -> RunContext:
    return RunContext(project_dir=project, home=project / "home", environ={"FROM_ENV": "x"},
                      containers=list, networks=lambda: ["bridge", "host", "none"], **kwargs)


async def test_a_remote_engine_says_where_bind_paths_are(tmp_path):
    app = _FormApp(RunDialog("app:1", _context(tmp_path, remote=True)))
    async with app.run_test(size=SIZE) as pilot:
        form = app.dialog
        await _set(pilot, form, volumes="./data:/data")
        assert "not on this machine" in str(form.query_one("#note-remote").render())
        assert not form.query_one("#note-volumes").has_class("-shown")


async def test_the_pasted_image_and_advanced_options_fill_the_form(tmp_path):
    app = _FormApp(RunDialog("app:1", _context(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        form = app.dialog
        assert form.query_one("#run-form").border_title == "Run app:1"
        await wait_for(pilot, lambda: form._networks is not None, what="the networks")
        await _set(pilot, form, paste="docker run --network nosuch --entrypoint '' -e FROM_ENV "
                                      "other/image:2 echo hi")
        await wait_for(pilot, lambda: form.query_one("#command").value == "echo hi",
                       what="the fields filled")
        assert form.query_one("#run-form").border_title == "Run other/image:2"
        assert form.query_one("#advanced").collapsed is False
        assert form.query_one("#entrypoint").value == "''"
        assert form.query_one("#env").text == "FROM_ENV=x"
        assert "no network named nosuch" in _error(form, "network")
        preview = str(form.query_one("#preview").render())
        assert "--entrypoint '' other/image:2 echo hi" in preview
        form.query_one("#network").value = "host"
        await pilot.pause()
        assert _error(form, "network") == ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.outcome is not None, what="the form to close")
        assert app.outcome == RunSpec(image="other/image:2", command=["echo", "hi"],
                                     env=[("FROM_ENV", "x")], detach=False, network="host",
                                     entrypoint=[""])
