"""The command line: its checks, and ctrl+c while dockui starts."""

from __future__ import annotations

import pytest

from dockui.__main__ import main, parse_args


def test_version_and_bad_arguments(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("dockui ")
    with pytest.raises(SystemExit):
        parse_args([str(tmp_path / "missing")])
    assert "not a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_args(["--host", "unix:///x.sock", "--context", "default"])
    assert "cannot be used together" in capsys.readouterr().err


def test_ctrl_c_while_starting_exits_quietly(monkeypatch, tmp_path, capsys):
    import dockui.app

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(dockui.app, "make_app", interrupted)
    assert main([str(tmp_path)]) == 130
    assert "Traceback" not in capsys.readouterr().err
