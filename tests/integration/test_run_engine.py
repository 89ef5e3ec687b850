"""dockui.engine.run: create + start against the real engine, and the port and mount checks."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import docker
import pytest

from dockui.engine.models import ContainerInfo, PortInfo
from dockui.engine.options import RunSpec, VolumeSpec, parse_docker_run, parse_ports
from dockui.engine.run import (
    PortHolder,
    StartFailed,
    container_holding,
    create_and_start,
    engine_socket_paths,
    list_networks,
    listening_inodes,
    port_holder,
    port_is_free,
    process_holding,
    remove_quietly,
    risky_mounts,
    socket_owner,
    taken_ports,
)
from dockui.engine.service import EngineError, container_from_summary
from tests.conftest import TEST_LABEL

LABELS = {TEST_LABEL: "1"}


@pytest.fixture
def run(docker_client, tmp_path):
    """``run(line)``: create + start a pasted line; every container made is removed after."""
    made: list[str] = []

    def run_line(line: str) -> str:
        spec = parse_docker_run(line, tmp_path, Path.home(), {})
        try:
            container_id = create_and_start(docker_client.api, spec, LABELS, tmp_path)
        except StartFailed as exc:
            made.append(exc.container_id)
            raise
        made.append(container_id)
        return container_id

    yield run_line
    for container_id in made:
        remove_quietly(docker_client.api, container_id)


def _name() -> str:
    return f"dockui-test-run-{uuid.uuid4().hex[:8]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Against the engine ---------------------------------------------------------------------------

def test_create_and_start_runs_what_the_spec_says(run, docker_client, busybox_image, tmp_path):
    name = _name()
    port = _free_port()
    container_id = run(f"docker run -d --name {name} -p 127.0.0.1:{port}:80 -v ./d:/data "
                       f"-e A=1 -w /data {busybox_image} sleep 300")
    attrs = docker_client.api.inspect_container(container_id)
    assert attrs["Name"] == f"/{name}"
    assert attrs["State"]["Running"] is True
    assert attrs["Config"]["Labels"][TEST_LABEL] == "1"
    assert "A=1" in attrs["Config"]["Env"]
    assert attrs["Config"]["WorkingDir"] == "/data"
    assert attrs["HostConfig"]["PortBindings"]["80/tcp"] == [
        {"HostIp": "127.0.0.1", "HostPort": str(port)}]
    assert (tmp_path / "d").is_dir()  # the engine created the missing bind source


def test_a_failed_start_keeps_the_container_for_the_caller(run, docker_client, busybox_image):
    name = _name()
    with pytest.raises(StartFailed) as failed:
        run(f"docker run --name {name} {busybox_image} nosuchcmd")
    assert failed.value.exists
    assert "nosuchcmd" in str(failed.value)
    assert isinstance(failed.value, EngineError)
    assert docker_client.api.inspect_container(failed.value.container_id)["State"][
        "Running"] is False
    remove_quietly(docker_client.api, failed.value.container_id)
    with pytest.raises(docker.errors.NotFound):
        docker_client.api.inspect_container(failed.value.container_id)
    remove_quietly(docker_client.api, failed.value.container_id)  # gone already: quiet


def test_with_rm_the_engine_removes_what_did_not_start(run, busybox_image):
    with pytest.raises(StartFailed) as failed:
        run(f"docker run --rm --name {_name()} {busybox_image} nosuchcmd")
    assert not failed.value.exists


def test_a_port_taken_at_start_is_a_start_failure(run, busybox_image):
    port = _free_port()
    run(f"docker run -d --name {_name()} -p 127.0.0.1:{port}:80 {busybox_image} sleep 300")
    with pytest.raises(StartFailed) as failed:
        run(f"docker run -d --name {_name()} -p 127.0.0.1:{port}:80 {busybox_image} sleep 300")
    assert str(port) in str(failed.value)  # "port is already allocated", or the proxy's bind


def test_nothing_is_created_for_a_missing_image(docker_client, tmp_path):
    spec = RunSpec(image="dockui-test/no-such-image:nope", name=_name())
    with pytest.raises(EngineError) as failed:
        create_and_start(docker_client.api, spec, LABELS, tmp_path)
    assert not isinstance(failed.value, StartFailed)
    assert "no-such-image" in str(failed.value)
    assert docker_client.containers.list(all=True, filters={"name": spec.name}) == []


def test_a_bad_env_file_is_an_engine_error(docker_client, busybox_image, tmp_path):
    spec = RunSpec(image=busybox_image, env_files=("gone.env",))
    with pytest.raises(EngineError, match=r"gone\.env does not exist"):
        create_and_start(docker_client.api, spec, LABELS, tmp_path)


def test_list_networks(docker_client):
    names = list_networks(docker_client.api)
    assert {"bridge", "host", "none"} <= set(names)
    assert names == sorted(names)


def test_port_holder_names_a_container_then_a_local_process(run, docker_client,
                                                            busybox_image):
    port = _free_port()
    name = _name()
    run(f"docker run -d --name {name} -p 127.0.0.1:{port}:80 {busybox_image} sleep 300")
    rows = docker_client.api.containers(filters={"name": name})
    containers = [container_from_summary(row) for row in rows]
    assert port_holder(port, "127.0.0.1", containers) == PortHolder("container", name)
    # Without the container list, the engine's proxy process is what holds it.
    holder = port_holder(port, None, [])
    assert holder is not None and holder.kind == "process"


def test_port_holder_finds_this_process():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert not port_is_free(port, "127.0.0.1")
        assert not port_is_free(port, None)  # 0.0.0.0 overlaps 127.0.0.1
        holder = port_holder(port, "127.0.0.1", [])
        assert holder is not None and holder.pid == os.getpid()
        assert f"pid {os.getpid()}" in holder.describe()
    assert port_is_free(port, "127.0.0.1")
    assert port_holder(port, "127.0.0.1", []) is None


def test_a_remote_engine_only_checks_containers():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert port_holder(port, None, [], local=False) is None


def test_udp_ports_are_checked_too():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as bound:
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        assert not port_is_free(port, "127.0.0.1", "udp")
        holder = process_holding(port, "udp")
        assert holder is not None and holder.pid == os.getpid()


# Pure parts -----------------------------------------------------------------------------------

PROC_NET_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0
   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0
   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0
   3: garbage
"""


def test_listening_inodes_reads_listen_entries_only():
    assert listening_inodes(PROC_NET_TCP, 8080) == {4242}
    assert listening_inodes(PROC_NET_TCP, 80) == set()  # inode 0: not ours to see
    assert listening_inodes(PROC_NET_TCP, 9999) == set()


def test_socket_owner_follows_fd_links(tmp_path):
    proc = tmp_path / "proc"
    (proc / "net").mkdir(parents=True)
    (proc / "net" / "tcp").write_text(PROC_NET_TCP)
    fd = proc / "321" / "fd"
    fd.mkdir(parents=True)
    (proc / "321" / "comm").write_text("nginx\x1b[31m\n")
    os.symlink("socket:[4242]", fd / "5")
    (proc / "self").mkdir()
    assert socket_owner({4242}, proc) == (321, "nginx␛[31m")
    assert process_holding(8080, "tcp", proc) == PortHolder("process", "nginx␛[31m", 321)
    assert process_holding(8081, "tcp", proc) is None


def _container(name: str, port: int, ip: str = "0.0.0.0", state: str = "running",
               proto: str = "tcp") -> ContainerInfo:
    return ContainerInfo(id=name, name=name, image="x", image_id="x", state=state,
                         status="", created=0, ports=(PortInfo(80, proto, ip, port),))


@pytest.mark.parametrize(("wanted_ip", "held_ip", "proto", "state", "found"), [
    (None, "0.0.0.0", "tcp", "running", True),
    ("127.0.0.1", "0.0.0.0", "tcp", "running", True),
    ("127.0.0.1", "127.0.0.2", "tcp", "running", False),
    ("127.0.0.1", "127.0.0.1", "udp", "running", False),
    (None, "::", "tcp", "exited", False),
])
def test_container_holding(wanted_ip, held_ip, proto, state, found):
    containers = [_container("web", 8080, held_ip, state, proto)]
    holder = container_holding(8080, wanted_ip, containers)
    assert (holder == PortHolder("container", "web")) is found


def test_taken_ports_skips_ranges_and_engine_picked_ports():
    containers = [_container("web", 8080)]
    spec = RunSpec(image="x", ports=(*parse_ports("8080:80"), *parse_ports("80"),
                                     *parse_ports("8080-8085:81")))
    assert taken_ports(spec, containers, local=False) == [
        "host port 8080/tcp is held by the container web"]


def test_risky_mounts(tmp_path):
    home = tmp_path / "home"
    volumes = [VolumeSpec("/", "/host"), VolumeSpec("/etc/ssl", "/ssl"),
               VolumeSpec(str(home), "/home"), VolumeSpec("/run/docker.sock", "/s"),
               VolumeSpec(str(home / "project"), "/p"), VolumeSpec("etc", "/x", kind="volume")]
    reasons = risky_mounts(volumes, home)
    assert len(reasons) == 4
    assert reasons[0].startswith("/:/host: the host's whole file system")
    assert "system configuration" in reasons[1]
    assert "home folder" in reasons[2]
    assert "Docker socket" in reasons[3]


def test_engine_socket_paths():
    assert "/tmp/d.sock" in engine_socket_paths("unix:///tmp/d.sock")
    assert engine_socket_paths("ssh://me@host") == ("/var/run/docker.sock", "/run/docker.sock")

