"""Home-relative display of paths."""

import pytest

from dockui.paths import tilde


@pytest.mark.parametrize(("path", "shown"), [
    ("/home/ann/app", "~/app"), ("/home/ann", "~"), ("/home/anna/app", "/home/anna/app"),
    ("/srv/app", "/srv/app"), ("relative/app", "relative/app"),
])
def test_tilde(path, shown):
    assert tilde(path, "/home/ann") == shown


def test_a_root_home_changes_nothing():
    assert tilde("/srv/app", "/") == "/srv/app"
