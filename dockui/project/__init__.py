"""The folder being packaged into an image: what is in it, what is wrong, what to generate.

Pure code: no Textual, no network, no Docker engine. The only Docker knowledge it borrows is
``.dockerignore`` matching, from :mod:`dockui.engine.build_context`.
"""

from dockui.project.findings import Finding, find_issues
from dockui.project.scan import ProjectInfo, PythonEntry, default_image_name, scan_project

__all__ = [
    "Finding",
    "ProjectInfo",
    "PythonEntry",
    "default_image_name",
    "find_issues",
    "scan_project",
]
