"""Image references (``[host[:port]/]path[:tag]``) checked by the engine's own grammar."""

from __future__ import annotations

import re

# From the distribution/reference grammar the engine uses.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_HOST = re.compile(rf"^(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$")
_PATH = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_EXAMPLE = "e.g. myapp:1.0 or 127.0.0.1:5000/team/myapp:latest"


def reference_error(reference: str) -> str | None:
    """Why ``reference`` is not a valid image name, or None when it is."""
    if not reference:
        return f"a tag is needed, {_EXAMPLE}"
    if " " in reference:
        return f"{reference!r} holds a space: separate several tags with spaces"
    if len(reference) > 255:
        return "a reference is at most 255 characters"
    first, slash, rest = reference.partition("/")
    # Like the CLI: the first part is a registry host only if it looks like one.
    if slash and ("." in first or ":" in first or first == "localhost"):
        if not _HOST.match(first):
            return f"{first!r} is not a valid registry host[:port]"
        path_tag = rest
    else:
        path_tag = reference
    path, colon, tag = path_tag.partition(":")
    if colon and not _TAG.match(tag):
        return f"tag {tag!r} may hold only letters, digits, _ . - (up to 128), {_EXAMPLE}"
    if not _PATH.match(path):
        if path != path.lower() and _PATH.match(path.lower()):
            return f"repository names must be lowercase: try {path.lower()!r}"
        return f"{path!r} is not a valid repository name: use lowercase letters, digits, . _ -"
    return None
