"""The layering the code relies on: docker-py only in dockui.engine, Textual never there."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "dockui"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules() -> list[tuple[str, set[str]]]:
    return [(str(p.relative_to(PACKAGE.parent)), _imports(p)) for p in PACKAGE.rglob("*.py")]


def test_only_the_engine_layer_imports_docker():
    offenders = [name for name, imports in _modules()
                 if {"docker", "requests", "paramiko"} & imports
                 and not name.startswith("dockui/engine/")]
    assert offenders == []


def test_the_engine_layer_never_imports_textual():
    offenders = [name for name, imports in _modules()
                 if "textual" in imports and name.startswith(("dockui/engine/", "dockui/project/"))]
    assert offenders == []


def test_the_check_sees_the_code():
    assert any(name == "dockui/engine/service.py" and "docker" in imports
               for name, imports in _modules())
