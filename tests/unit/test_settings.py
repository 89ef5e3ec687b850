"""dockui's settings file: numbers checked, a bad file never stops the app."""

from __future__ import annotations

import pytest

from dockui.settings import (
    KEEP_RANGE,
    TAIL_RANGE,
    LogSettings,
    load_settings,
    parse_count,
    save_settings,
    settings_path,
)


def test_the_file_lives_in_the_xdg_config_folder(tmp_path):
    assert settings_path({"XDG_CONFIG_HOME": str(tmp_path)}) == \
        tmp_path / "dockui" / "settings.json"
    assert settings_path({"XDG_CONFIG_HOME": "relative", "HOME": str(tmp_path)}) == \
        tmp_path / ".config" / "dockui" / "settings.json"


def test_saved_settings_come_back(tmp_path):
    path = tmp_path / "dockui" / "settings.json"
    assert load_settings(path) == LogSettings(500, 20_000)  # no file: the defaults
    save_settings(path, LogSettings(tail=50, keep=5_000))
    assert load_settings(path) == LogSettings(50, 5_000)


@pytest.mark.parametrize("text", ["not json", '{"logs": 3}', '{"logs": {"tail": -1}}',
                                  '{"logs": {"tail": true, "keep": 10}}', "[]"])
def test_a_bad_file_gives_the_defaults(tmp_path, text):
    path = tmp_path / "settings.json"
    path.write_text(text)
    assert load_settings(path) == LogSettings()


@pytest.mark.parametrize(("text", "bounds", "expected"), [
    ("500", TAIL_RANGE, 500), (" 0 ", TAIL_RANGE, 0), ("20,000", KEEP_RANGE, 20_000),
    ("1_000", KEEP_RANGE, 1_000),
])
def test_counts(text, bounds, expected):
    assert parse_count(text, bounds) == expected


@pytest.mark.parametrize(("text", "bounds", "message"), [
    ("", TAIL_RANGE, "a whole number from 0 to 100,000"),
    ("-5", TAIL_RANGE, "a whole number"), ("1e3", TAIL_RANGE, "a whole number"),
    ("999", KEEP_RANGE, "from 1,000 to 1,000,000"),
    ("2000000", KEEP_RANGE, "from 1,000 to 1,000,000"),
])
def test_bad_counts_say_what_would_be_right(text, bounds, message):
    with pytest.raises(ValueError, match=message):
        parse_count(text, bounds)
