"""The run form's parsing layer accepts and rejects what docker CLI 28 + the engine do.

Each valid/invalid case below was checked against ``docker create`` on the test engine; the
few deliberate differences are marked "stricter than the CLI".
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from dockui.engine.options import (
    OptionError,
    PortBinding,
    RunSpec,
    VolumeSpec,
    is_secret_key,
    parse_docker_run,
    parse_env,
    parse_env_field,
    parse_env_file,
    parse_ports,
    parse_ports_field,
    parse_restart,
    parse_volume,
    parse_volumes_field,
    split_command,
    validate_name,
)

HOME = Path("/home/dev")
ENVIRON = {"SETVAR": "fromenv", "HOME": "/home/dev"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with a ``data`` subfolder (for binds whose source exists)."""
    (tmp_path / "data").mkdir()
    return tmp_path


# ------------------------------------------------------------------------------- ports


@pytest.mark.parametrize(("text", "expected"), [
    ("80", [PortBinding(80)]),
    ("8080:80", [PortBinding(80, "tcp", None, 8080)]),
    ("127.0.0.1:8080:80", [PortBinding(80, "tcp", "127.0.0.1", 8080)]),
    ("127.0.0.1::80", [PortBinding(80, "tcp", "127.0.0.1", None)]),
    ("8080:80/udp", [PortBinding(80, "udp", None, 8080)]),
    ("8080:80/UDP", [PortBinding(80, "udp", None, 8080)]),
    ("53/sctp", [PortBinding(53, "sctp")]),
    ("80/", [PortBinding(80)]),
    ("[::1]:8080:80", [PortBinding(80, "tcp", "::1", 8080)]),
    ("::1:8080:80", [PortBinding(80, "tcp", "::1", 8080)]),
    ("[127.0.0.1]:8080:80", [PortBinding(80, "tcp", "127.0.0.1", 8080)]),
    ("65535:65535", [PortBinding(65535, "tcp", None, 65535)]),
    ("080:80", [PortBinding(80, "tcp", None, 80)]),
    ("0:80", [PortBinding(80)]),  # the engine reads host port 0 as "any"
    (":80", [PortBinding(80)]),
    ("8000-8002:9000-9002", [PortBinding(9000, "tcp", None, 8000),
                             PortBinding(9001, "tcp", None, 8001),
                             PortBinding(9002, "tcp", None, 8002)]),
    ("8000-8001", [PortBinding(8000), PortBinding(8001)]),
    ("8000-8005:80", [PortBinding(80, "tcp", None, 8000, 8005)]),
    ("8000-8000:80", [PortBinding(80, "tcp", None, 8000)]),
])
def test_ports_the_cli_accepts(text, expected):
    assert parse_ports(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("99999:80", "port 99999 is out of range (1-65535): try 8080:80"),
    ("65536:80", "out of range"),
    ("8080:0", "container port 0 is out of range"),  # stricter than the CLI
    ("0", "container port 0"),  # stricter than the CLI
    ("٣:80", "is not a number"),  # Python's int() would take an Arabic-Indic three
    ("+80:80", "is not a number"),
    ("a:80", "host port 'a' is not a number"),
    ("80-:80", "is not a number"),
    ("8002-8000:80", "ends before it starts: write 8000-8002"),
    ("8000-8001:80-82", "differ in length"),
    ("8080:80-82", "differ in length"),
    ("80/foo", "protocol 'foo'"),
    ("80/tcp/udp", "more than one protocol"),  # stricter than the CLI
    ("", "no container port"),
    ("127.000.0.1:80:80", "not a valid IP address"),
    ("1.2.3:80:80", "not a valid IP address"),
    ("fe80::1%eth0:80:80", "not a valid IP address"),
    ("8080:", "no container port"),
    ("target=80,published=8080", "long --publish syntax"),
])
def test_ports_the_cli_rejects(text, message):
    with pytest.raises(OptionError) as caught:
        parse_ports(text)
    assert message in str(caught.value)


def test_ports_field_splits_dedupes_and_finds_conflicts():
    ports = parse_ports_field("8080:80, 8443:443/tcp\n53:53/udp  8080:80")
    assert [p.spec for p in ports] == ["8080:80", "8443:443", "53:53/udp"]
    assert parse_ports_field(" \n ") == []
    with pytest.raises(OptionError, match="host port 8080/tcp is published twice"):
        parse_ports_field("8080:80 8080:81")
    # Same host port on another protocol or address is fine.
    assert len(parse_ports_field("8080:80 8080:81/udp 127.0.0.1:8080:82")) == 3


# ----------------------------------------------------------------------------- volumes


@pytest.mark.parametrize(("text", "expected"), [
    ("{p}/data:/data", VolumeSpec("{p}/data", "/data", "rw", "bind", True)),
    ("{p}/data:/data:ro", VolumeSpec("{p}/data", "/data", "ro", "bind", True)),
    ("./data:/data", VolumeSpec("{p}/data", "/data", "rw", "bind", True)),
    ("./missing/:/m", VolumeSpec("{p}/missing", "/m", "rw", "bind", False)),
    (".cache:/c", VolumeSpec("{p}/.cache", "/c", "rw", "bind", False)),
    ("../x:/x", VolumeSpec("{parent}/x", "/x", "rw", "bind", False)),
    ("~/x:/x", VolumeSpec("/home/dev/x", "/x", "rw", "bind", False)),
    ("${PWD}/data:/data", VolumeSpec("{p}/data", "/data", "rw", "bind", True)),
    ("$(pwd):/app", VolumeSpec("{p}", "/app", "rw", "bind", True)),
    ("$PWD/data:/data:ro", VolumeSpec("{p}/data", "/data", "ro", "bind", True)),
    ("pgdata:/var/lib/postgresql/data",
     VolumeSpec("pgdata", "/var/lib/postgresql/data", "rw", "volume", True)),
    ("my_vol.1:/v:ro,nocopy", VolumeSpec("my_vol.1", "/v", "ro", "volume", True, ("nocopy",))),
    ("/cache", VolumeSpec("", "/cache", "rw", "anonymous", True)),
    ("/s:/d:Z", VolumeSpec("/s", "/d", "rw", "bind", False, ("Z",))),
    ("/s:/d:ro,z", VolumeSpec("/s", "/d", "ro", "bind", False, ("z",))),
    ("/s:/d:rw,z,rslave,cached",
     VolumeSpec("/s", "/d", "rw", "bind", False, ("z", "rslave", "cached"))),
])
def test_volumes_the_cli_accepts(project, text, expected):
    def fill(value: str) -> str:
        return value.replace("{p}", str(project)).replace("{parent}", str(project.parent))

    expected = VolumeSpec(fill(expected.source), expected.target, expected.mode, expected.kind,
                          expected.source_exists, expected.options)
    assert parse_volume(fill(text), project, HOME) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty volume"),
    ("rel/with/slash:/ctr", "for a folder write ./rel/with/slash"),
    ("a:/ctr", "volume name 'a' is not valid"),
    ("-bad:/ctr", "volume name '-bad' is not valid"),
    ("na me:/ctr", "volume name 'na me' is not valid"),
    ("ctr", "container path 'ctr' in 'ctr' is not absolute: write /ctr"),  # stricter
    ("/src:ctr", "is not absolute: write /ctr"),
    ("/src:/", "root"),
    ("/ctr:ro", "has options but no source"),
    ("/src:/dst:z,Z", "exclude each other"),
    ("/src:/dst:ro,rw", "exclude each other"),
    ("/src:/dst:foo", "unknown volume option 'foo'"),
    ("/src:/dst:RO", "case-sensitive"),
    ("/src:/dst:ro,", "stray comma"),
    ("/src:/dst:nocopy", "nocopy applies to volumes"),
    ("vol:/dst:rshared", "applies to host folders"),
    ("/src:/dst:ro:z", "too many colons"),
    ("/src::/dst", "empty part between colons"),
    (":/dst", "empty part between colons"),
    ("~bob/x:/x", "only ~ and ~/"),
])
def test_volumes_the_cli_rejects(project, text, message):
    with pytest.raises(OptionError) as caught:
        parse_volume(text, project, HOME)
    assert message in str(caught.value)


def test_volume_spec_round_trips_as_a_v_value(project):
    for text in ("/s:/d", "/s:/d:ro", "/s:/d:ro,z", "vol:/d:nocopy", "/anon"):
        volume = parse_volume(text, project, HOME)
        assert parse_volume(volume.spec, project, HOME) == volume
    assert parse_volume("/s:/d:z", project, HOME).mode_string == "rw,z"


def test_volumes_field_splits_lines_and_words_with_quotes(project):
    (project / "my dir").mkdir()
    volumes = parse_volumes_field('./data:/data /cache\n"./my dir":/m:ro\n\n', project, HOME)
    assert [(v.kind, v.source, v.target, v.mode) for v in volumes] == [
        ("bind", f"{project}/data", "/data", "rw"), ("anonymous", "", "/cache", "rw"),
        ("bind", f"{project}/my dir", "/m", "ro")]
    with pytest.raises(OptionError, match="two volumes are mounted on /data"):
        parse_volumes_field("./data:/data\nvol:/data/", project, HOME)


# ------------------------------------------------------------------------- environment


@pytest.mark.parametrize(("text", "expected"), [
    ("A=1", ("A", "1")),
    ("A=b=c d", ("A", "b=c d")),
    ("A=", ("A", "")),
    ("A= spaced ", ("A", " spaced ")),
    ("SETVAR", ("SETVAR", "fromenv")),
])
def test_env_values(text, expected):
    assert parse_env(text, ENVIRON) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("=x", "no variable name before '='"),
    ("", "no variable name"),
    ("UNSET", "UNSET is not set in dockui's environment"),  # stricter than the CLI
    ("A B=1", "variable name 'A B' holds whitespace: write A_B=..."),  # stricter
    (" A=1", "holds whitespace"),  # stricter than the CLI
])
def test_env_values_rejected(text, message):
    with pytest.raises(OptionError) as caught:
        parse_env(text, ENVIRON)
    assert message in str(caught.value)


def test_env_error_without_equals_does_not_echo_the_text():
    with pytest.raises(OptionError) as caught:
        parse_env("hunter2 is my password", ENVIRON)
    assert "hunter2" not in str(caught.value)


def test_env_field_is_one_variable_per_line():
    text = "A=1, 2, 3\n\n  # a comment\n  B=x y=z\r\nSETVAR\n"
    assert parse_env_field(text, ENVIRON) == [("A", "1, 2, 3"), ("B", "x y=z"),
                                              ("SETVAR", "fromenv")]


def test_env_file_follows_the_cli(tmp_path):
    path = tmp_path / "app.env"
    path.write_bytes(b'\xef\xbb\xbfFIRST=1\n# comment\n   # indented\n\n  LEAD=x\n\tTAB=y\n'
                     b'Q="quoted value"\nSP=  a b  \nEQ=a=b\nSETVAR\nUNSET\nEMPTY=\n'
                     b'CR=x\r\n\xc2\xa0NBSP=1\nLAST=z')
    assert parse_env_file(path, ENVIRON) == [
        ("FIRST", "1"), ("LEAD", "x"), ("TAB", "y"), ("Q", '"quoted value"'),
        ("SP", "  a b  "), ("EQ", "a=b"), ("SETVAR", "fromenv"), ("EMPTY", ""),
        ("CR", "x"), ("NBSP", "1"), ("LAST", "z")]


@pytest.mark.parametrize(("content", "message"), [
    (b"A=1\nDB_PASSWORD=\xff\xfesecret\n", "line 2 (variable DB_PASSWORD): not valid UTF-8"),
    (b"A=1\n=secret\n", "line 2: no variable name before '='"),
    (b"A=1\nexport B=secret\n", "line 2: variable name 'export B' holds whitespace"),
    (b"A=1\nKEY =secret\n", "line 2: variable name 'KEY ' holds whitespace"),
    (b"A=1\nmy secret line\n", "line 2: no '=' and holds whitespace"),
    (b"A=1\nsecret\xff\n", "line 2: not valid UTF-8"),
])
def test_env_file_errors_name_file_line_and_key_never_the_value(tmp_path, content, message):
    path = tmp_path / "bad.env"
    path.write_bytes(content)
    with pytest.raises(OptionError) as caught:
        parse_env_file(path, ENVIRON)
    text = str(caught.value)
    assert str(path) in text
    assert message in text
    assert "secret" not in text.replace(str(path), "")


def test_env_file_missing_or_a_folder(tmp_path):
    with pytest.raises(OptionError, match="does not exist"):
        parse_env_file(tmp_path / "nope.env", ENVIRON)
    with pytest.raises(OptionError, match="is a folder"):
        parse_env_file(tmp_path, ENVIRON)


def test_secret_names():
    assert all(map(is_secret_key, ["DB_PASSWORD", "api_token", "AWS_SECRET", "SSH_KEY", "PASS"]))
    assert not any(map(is_secret_key, ["PATH", "HOME", "DEBUG"]))


# ---------------------------------------------------------------- restart, name, command


@pytest.mark.parametrize(("text", "expected"), [
    ("", ("no", 0)), ("no", ("no", 0)), ("always", ("always", 0)),
    ("unless-stopped", ("unless-stopped", 0)), ("on-failure", ("on-failure", 0)),
    ("on-failure:3", ("on-failure", 3)), ("on-failure:03", ("on-failure", 3)),
    ("on-failure:", ("on-failure", 0)), ("always:0", ("always", 0)),
])
def test_restart_policies(text, expected):
    assert parse_restart(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("always:2", "a retry count only goes with on-failure"),
    ("on-failure:-1", "not a whole number"),
    ("on-failure:x", "not a whole number"),
    ("on-failure:3:4", "not a whole number"),
    ("foo", "unknown restart policy 'foo'"),
    ("ON-FAILURE", "did you mean on-failure"),
    (":3", "no policy before ':'"),
])
def test_restart_policies_rejected(text, message):
    with pytest.raises(OptionError) as caught:
        parse_restart(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("", ""), ("ab", "ab"), ("a_b.c-d", "a_b.c-d"), ("Web1", "Web1"), ("/ab", "ab"),
])
def test_names_the_engine_accepts(text, expected):
    assert validate_name(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("a", "too short"), ("_ab", "must start with a letter or digit"),
    ("-ab", "must start with a letter or digit"), ("a b", "contains ' '"),
    ("é1", "must start"), ("ab/", "contains '/'"), ("abc:", "contains ':'"),
])
def test_names_the_engine_rejects(text, message):
    with pytest.raises(OptionError) as caught:
        validate_name(text)
    assert message in str(caught.value)


def test_commands_split_like_a_shell():
    assert split_command("""sh -c 'echo "hi there"' x\\ y""") == ["sh", "-c", 'echo "hi there"',
                                                                   "x y"]
    assert split_command("") == []
    with pytest.raises(OptionError, match="unbalanced quote"):
        split_command("sh -c 'echo")


# ---------------------------------------------------------------------------- RunSpec


def _full_spec(project: Path) -> RunSpec:
    return RunSpec(
        image="nginx:1.27", name="web", command=["nginx", "-g", "daemon off;"],
        ports=(*parse_ports("127.0.0.1:8080:80"), *parse_ports("9000-9001:9000-9001/udp")),
        volumes=(parse_volume("./data:/usr/share/nginx/html:ro", project, HOME),),
        env=(("DB_PASSWORD", "s3 cret"), ("MODE", "prod")), env_files=(".env",),
        remove=True, network="backend", workdir="/srv", user="1000:1000",
        entrypoint=["/docker-entrypoint.sh", "--verbose"])


def test_to_cli_orders_and_quotes_like_a_typed_line(project):
    line = _full_spec(project).to_cli()
    assert line == (
        "docker run -d --rm --name web -p 127.0.0.1:8080:80 -p 9000-9001:9000-9001/udp "
        f"-v {project}/data:/usr/share/nginx/html:ro -e 'DB_PASSWORD=s3 cret' -e MODE=prod "
        "--env-file .env --network backend -w /srv -u 1000:1000 "
        "--entrypoint /docker-entrypoint.sh nginx:1.27 --verbose nginx -g 'daemon off;'")
    masked = _full_spec(project).to_cli(mask_secrets=True)
    assert "DB_PASSWORD=****" in masked and "s3 cret" not in masked and "MODE=prod" in masked


def test_to_cli_flags_and_restart():
    spec = RunSpec("alpine", command=["sh"], detach=False, interactive=True, tty=True,
                   restart=("on-failure", 5))
    assert spec.to_cli() == "docker run -it --restart on-failure:5 alpine sh"
    assert RunSpec("alpine", entrypoint=[""]).to_cli() == "docker run -d --entrypoint '' alpine"


def test_to_cli_round_trips_through_the_paste_parser(project):
    (project / ".env").write_text("A=1\n")
    spec = _full_spec(project)
    again = parse_docker_run(spec.to_cli(), project, HOME, ENVIRON)
    # The CLI's --entrypoint is one word: the rest moves to the command, which runs the same.
    assert again == RunSpec(**{**spec.__dict__, "entrypoint": ["/docker-entrypoint.sh"],
                               "command": ["--verbose", *spec.command]})


def test_create_kwargs_for_docker_py(project):
    (project / ".env").write_text("MODE=dev\nFROM_FILE=1\n")
    kwargs = _full_spec(project).to_create_kwargs(labels={"dockui": "1"}, project_dir=project,
                                                  environ=ENVIRON)
    assert kwargs == {
        "detach": True, "stdin_open": False, "tty": False, "auto_remove": True,
        "name": "web", "command": ["nginx", "-g", "daemon off;"],
        "entrypoint": ["/docker-entrypoint.sh", "--verbose"], "network": "backend",
        "working_dir": "/srv", "user": "1000:1000", "labels": {"dockui": "1"},
        "ports": {"80/tcp": ("127.0.0.1", 8080), "9000/udp": 9000, "9001/udp": 9001},
        # env files first, then -e over them (MODE=prod wins, keeping its first place)
        "environment": ["MODE=prod", "FROM_FILE=1", "DB_PASSWORD=s3 cret"],
        "volumes": {f"{project}/data": {"bind": "/usr/share/nginx/html", "mode": "ro"}},
    }


def test_create_kwargs_ports_and_volumes_edge_cases(project):
    volumes = [parse_volume(t, project, HOME) for t in
               ("./data:/a:ro,z", "./data:/b", "vol:/c", "vol:/d:ro,nocopy", "/anon")]
    ports = [*parse_ports("8080:80"), *parse_ports("[::1]:8080:80"), *parse_ports("8080:80"),
             *parse_ports("81"), *parse_ports("9000-9005:90")]
    kwargs = RunSpec("img", ports=ports, volumes=volumes, restart=("always", 0),
                     detach=False).to_create_kwargs()
    assert kwargs["ports"] == {"80/tcp": [8080, ("::1", 8080)], "81/tcp": None,
                               "90/tcp": "9000-9005"}
    data = f"{project}/data"
    assert kwargs["volumes"] == {data: {"bind": "/a", "mode": "ro,z"},
                                 data + "/": {"bind": "/b", "mode": "rw"},
                                 "vol": {"bind": "/c", "mode": "rw"}}
    assert kwargs["mounts"] == [
        {"Type": "volume", "Source": "vol", "Target": "/d", "ReadOnly": True,
         "VolumeOptions": {"NoCopy": True}},
        {"Type": "volume", "Target": "/anon", "ReadOnly": False}]
    assert kwargs["restart_policy"] == {"Name": "always", "MaximumRetryCount": 0}
    assert "restart_policy" not in RunSpec("img").to_create_kwargs()
    assert "environment" not in RunSpec("img").to_create_kwargs()


def test_run_spec_check_finds_cross_option_problems(project):
    with pytest.raises(OptionError, match="--rm and --restart"):
        RunSpec("img", remove=True, restart=("always", 0)).check()
    with pytest.raises(OptionError, match="no image"):
        RunSpec(" ").check()
    with pytest.raises(OptionError, match="write /srv"):
        RunSpec("img", workdir="srv").check()
    RunSpec("img", remove=True, restart=("no", 0)).check()


# ------------------------------------------------------------------- pasted docker run


def test_paste_a_tutorial_line(project):
    line = """docker run -d \\
      --name=my-web -p 8080:80 --publish 127.0.0.1::443 \\
      -v ${PWD}/data:/data:ro --volume=pgdata:/var/lib/pg \\
      -e MODE=prod --env SETVAR --restart unless-stopped --net host \\
      -w /app -u 1000 nginx:latest nginx -g 'daemon off;'"""
    spec = parse_docker_run(line, project, HOME, ENVIRON)
    assert spec == RunSpec(
        image="nginx:latest", name="my-web", command=["nginx", "-g", "daemon off;"],
        ports=(PortBinding(80, "tcp", None, 8080), PortBinding(443, "tcp", "127.0.0.1")),
        volumes=(VolumeSpec(f"{project}/data", "/data", "ro", "bind", True),
                 VolumeSpec("pgdata", "/var/lib/pg", "rw", "volume", True)),
        env=(("MODE", "prod"), ("SETVAR", "fromenv")), restart=("unless-stopped", 0),
        network="host", workdir="/app", user="1000")


@pytest.mark.parametrize(("line", "checks"), [
    ("docker run -it --rm alpine sh", dict(detach=False, interactive=True, tty=True,
                                           remove=True, command=["sh"])),
    ("docker container run -dit alpine", dict(detach=True, interactive=True, tty=True)),
    ("-d -p 80 alpine", dict(detach=True, ports=(PortBinding(80),))),
    ("$ sudo docker run alpine", dict(detach=False, image="alpine")),
    ("docker run -itp8080:80 alpine", dict(ports=(PortBinding(80, "tcp", None, 8080),))),
    ("docker run -p=8080:80 -d=false alpine", dict(detach=False,
                                                  ports=(PortBinding(80, "tcp", None, 8080),))),
    ("docker run --rm=false --detach alpine", dict(remove=False, detach=True)),
    ("docker run alpine --rm -p 80 ls", dict(remove=False, command=["--rm", "-p", "80", "ls"])),
    ("docker run -- alpine -x", dict(command=["-x"])),
    ("docker run --entrypoint= alpine", dict(entrypoint=[""])),
    ("docker run --entrypoint sh alpine -c 'echo hi'", dict(entrypoint=["sh"],
                                                            command=["-c", "echo hi"])),
    ("docker run --name a1 --name b2 alpine", dict(name="b2")),
    ('docker run -v "$(pwd)":/app alpine', dict(volumes=(VolumeSpec("{p}", "/app"),))),
])
def test_paste_flag_forms(project, line, checks):
    spec = parse_docker_run(line, project, HOME, ENVIRON)
    if "volumes" in checks:
        checks["volumes"] = tuple(VolumeSpec(v.source.format(p=project), v.target)
                                  for v in checks["volumes"])
    for name, value in checks.items():
        assert getattr(spec, name) == value, name


@pytest.mark.parametrize(("line", "message"), [
    ("docker run --platform linux/amd64 alpine", "--platform is not supported by the run form"),
    ("docker run -P alpine", "-P is not supported by the run form; supported: -d/--detach"),
    ("docker run -dx alpine", "-x is not supported"),
    ("docker run -d", "no image"),
    ("docker run", "no image"),
    ("docker run --name", "--name needs a value"),
    ("docker ps -a", "only `docker run` lines"),
    ("podman run alpine", "does not start a `docker run` line"),
    ("docker run --rm --restart=always alpine", "--rm and --restart exclude each other"),
    ("docker run -p 99999:80 alpine", "out of range"),
    ("docker run --network a --net b alpine", "two networks"),
    ("docker run -w rel alpine", "not absolute"),
    ("docker run --rm=maybe alpine", "true or false"),
    ("docker run -e UNSET alpine", "UNSET is not set"),
    ("docker run --env-file missing.env alpine", "does not exist"),
    ("docker run -v 'unclosed alpine", "unbalanced quote"),
])
def test_paste_errors(project, line, message):
    with pytest.raises(OptionError) as caught:
        parse_docker_run(line, project, HOME, ENVIRON)
    assert message in str(caught.value)


def test_paste_reads_env_files_against_the_project(project):
    (project / "app.env").write_text("A=1\n")
    spec = parse_docker_run("docker run --env-file app.env -e A=2 alpine", project, HOME, {})
    assert spec.env_files == ("app.env",)
    assert spec.environment(project, {}) == ["A=2"]
    assert shlex.split(spec.to_cli())[2:] == ["-e", "A=2", "--env-file", "app.env", "alpine"]
