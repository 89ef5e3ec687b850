"""Images the tests, screenshots and benches build for themselves (no registry is reachable)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import docker

BUSYBOX_IMAGE = "dockui-test/busybox:latest"
BUSYBOX_DOCKERFILE = """\
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
"""


def static_busybox() -> Path:
    """Debian's static busybox (package busybox-static)."""
    for candidate in ("/bin/busybox", "/usr/bin/busybox"):
        if Path(candidate).exists():
            return Path(candidate)
    raise RuntimeError("no static busybox: apt-get install busybox-static")


def ensure_busybox(client: docker.DockerClient, tag: str = BUSYBOX_IMAGE) -> str:
    """Build ``tag`` FROM scratch with busybox's sh, httpd, wget and nc: 2 MB, under a second."""
    with tempfile.TemporaryDirectory() as context:
        shutil.copy(static_busybox(), Path(context) / "busybox")
        (Path(context) / "Dockerfile").write_text(BUSYBOX_DOCKERFILE)
        client.images.build(path=context, tag=tag, rm=True, forcerm=True)
    return tag
