"""Formatting helpers and the sanitizer."""

from __future__ import annotations

import pytest

from dockui.engine.format import (
    aged_status,
    format_age,
    format_ports,
    format_size,
    human_duration,
    short_id,
    short_image,
)
from dockui.engine.models import PortInfo
from dockui.engine.sanitize import clean
from dockui.engine.service import container_from_summary, image_from_summary, split_reference


def test_ports_as_docker_ps_shows_them():
    ports = [PortInfo(80, "tcp", "0.0.0.0", 8080), PortInfo(80, "tcp", "::", 8080),
             PortInfo(443, "tcp"), PortInfo(53, "udp", "127.0.0.1", 5353)]
    assert format_ports(ports) == "127.0.0.1:5353->53/udp, 0.0.0.0:8080->80/tcp, 443/tcp"


def test_ipv6_only_binding_is_bracketed():
    assert format_ports([PortInfo(80, "tcp", "::1", 8080)]) == "[::1]:8080->80/tcp"


@pytest.mark.parametrize(("size", "text"), [(0, "0 Bytes"), (2_048_000, "2.0 MB"),
                                            (151_000_000, "151.0 MB"), (None, "?")])
def test_sizes_are_decimal_like_docker(size, text):
    assert format_size(size) == text


def test_age_reads_as_time_ago():
    assert format_age(1000.0, now=1000.0 + 180) == "3 minutes ago"
    assert format_age(0) == ""


def test_ids_and_images_are_shortened():
    assert short_id("sha256:" + "a" * 64) == "a" * 12
    assert short_image("docker.io/library/python:3.12") == "python:3.12"
    assert short_image("sha256:" + "b" * 64) == "b" * 12
    assert short_image("127.0.0.1:5000/app:1") == "127.0.0.1:5000/app:1"


@pytest.mark.parametrize(("raw", "shown"), [
    ("plain", "plain"),
    ("\x1b]0;title\x07", "␛]0;title␇"),
    ("\x1b[2J", "␛[2J"),
    ("a\x00b", "a␀b"),
    ("[/]", "[/]"),
    (b"bad \xff byte", "bad \ufffd byte"),
    ("\u202eevil", "\ufffdevil"),
    ("\x9b31m", "\ufffd31m"),
    (None, ""),
])
def test_clean_shows_control_characters(raw, shown):
    assert clean(raw) == shown


def test_clean_keeps_tabs_only_when_asked():
    assert clean("a\tb") == "a␉b"
    assert clean("a\tb", keep_tabs=True) == "a\tb"


def test_summaries_are_sanitized():
    row = {"Id": "abc", "Names": ["/web"], "Image": "x\x1b[31m", "ImageID": "sha256:1",
           "State": "running", "Status": "Up 2 minutes", "Created": 5,
           "Ports": [{"PrivatePort": 80, "PublicPort": 8080, "Type": "tcp", "IP": "0.0.0.0"}],
           "Labels": {"com.docker.compose.project": "p\x07"}}
    c = container_from_summary(row)
    assert (c.name, c.image, c.compose_project) == ("web", "x␛[31m", "p␇")
    assert c.running and c.ports[0].public_port == 8080
    image = image_from_summary({"Id": "sha256:" + "c" * 64, "RepoTags": ["<none>:<none>"],
                                "Size": 10, "Created": 1})
    assert image.dangling and image.short_id == "c" * 12


@pytest.mark.parametrize(("ref", "parts"), [
    ("app", ("app", None)), ("app:1", ("app", "1")),
    ("127.0.0.1:5000/app", ("127.0.0.1:5000/app", None)),
    ("127.0.0.1:5000/app:v2", ("127.0.0.1:5000/app", "v2")),
])
def test_split_reference(ref, parts):
    assert split_reference(ref) == parts


@pytest.mark.parametrize(("status", "later", "shown"), [
    ("Up Less than a second", 0, "Up Less than a second"),
    ("Up Less than a second", 3600, "Up About an hour"),
    ("Up 5 minutes (healthy)", 600, "Up 15 minutes (healthy)"),
    ("Up 2 hours", 0, "Up 2 hours"),  # read back exactly as the engine said it
    ("Up 2 hours", 3600, "Up 3 hours"),
    ("Up 3 days (Paused)", 86400, "Up 4 days (Paused)"),
    ("Exited (0) 2 hours ago", 7200, "Exited (0) 4 hours ago"),
    ("Exited (137) About a minute ago", 120, "Exited (137) 3 minutes ago"),
    ("Restarting (1) 5 seconds ago", 10, "Restarting (1) 15 seconds ago"),
    ("Created", 99999, "Created"),
    ("Removal In Progress", 60, "Removal In Progress"),
])
def test_a_container_status_ages_as_the_engine_would_word_it(status, later, shown):
    assert aged_status(status, 1_000_000.0, 1_000_000.0 + later) == shown


def test_a_status_of_unknown_age_is_shown_as_read():
    assert aged_status("Up 2 hours", 0.0, 5_000_000.0) == "Up 2 hours"


@pytest.mark.parametrize(("seconds", "words"), [
    (0.4, "Less than a second"), (1, "1 second"), (59, "59 seconds"), (60, "About a minute"),
    (119, "About a minute"), (120, "2 minutes"), (5399, "About an hour"), (5400, "2 hours"),
    (47 * 3600, "47 hours"), (48 * 3600, "2 days"), (14 * 86400, "2 weeks"),
    (60 * 86400, "2 months"), (730 * 86400, "2 years"),
])
def test_durations_read_as_the_docker_cli_writes_them(seconds, words):
    assert human_duration(seconds) == words
