"""A generated Dockerfile builds for real on a real Debian + Python base, and the app runs."""

from __future__ import annotations

import uuid

from dockui.engine.build import Build, BuildSpec
from dockui.engine.resolve import resolve_target
from dockui.engine.service import connect
from dockui.project.generate import plan_generation, write_generated
from tests.conftest import SESSION, TEST_LABEL
from tests.support.python_image import ensure_python_base


def test_generated_dockerfile_builds_and_runs(tmp_path, docker_client):
    base = ensure_python_base(docker_client)
    project = tmp_path / "hello-py"
    project.mkdir()
    (project / "main.py").write_text("import sys\nprint('hello from', sys.version_info[:2])\n")
    # No registry reaches the containers here: no third-party requirements.
    (project / "requirements.txt").write_text("# no dependencies yet\n")
    write_generated(project, plan_generation(project))
    assert (project / "Dockerfile").exists() and (project / ".dockerignore").exists()

    tag = f"dockui-test/hello-py:{uuid.uuid4().hex[:8]}"
    engine = connect(resolve_target())
    spec = BuildSpec(path=str(project), tags=(tag,), build_args=(("BASE_IMAGE", base),))
    records = list(Build(engine.api, spec))
    try:
        assert records[-1].kind == "done"
        output = docker_client.containers.run(tag, remove=True, labels={TEST_LABEL: SESSION})
        assert b"hello from (3, 11)" in output
        user = docker_client.images.get(tag).attrs["Config"]["User"]
        assert user and user != "root"  # the generated image does not run as root
    finally:
        docker_client.images.remove(tag, force=True)
        engine.close()
