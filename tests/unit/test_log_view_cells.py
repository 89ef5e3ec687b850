"""How many cells a log line takes: the fast measure must agree with rich's."""

import pytest
from rich.cells import cell_len

from dockui.widgets.log_view import cells_of


@pytest.mark.parametrize("text", [
    "", "plain ascii", "x" * 10_000 + " … [cut 5 chars]", "日本語 mixed", "␛[2J shown",
    "e\u0301 combining", "🎉 party", "tab\u00a0nbsp",
])
def test_cells_of_matches_rich(text):
    assert cells_of(text) == cell_len(text)
