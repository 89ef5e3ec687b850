"""Make strings from the engine safe to show.

Everything that comes from the engine (names, tags, labels, commands, log lines, error
messages) is untrusted: an escape sequence would reach the terminal raw, and a ``[/]`` read as
markup would raise. Every such string passes through :func:`clean` once, at the boundary.
"""

from __future__ import annotations

import re

# C0 controls and DEL map to the Unicode "control pictures" block (U+2400..), so an ESC shows
# as ␛ instead of acting. C1 controls (U+0080-U+009F) can also start sequences on some
# terminals; they show as a replacement character.
_C0 = {i: 0x2400 + i for i in range(0x20)}
_C0[0x7F] = 0x2421  # ␡
_C1 = {i: 0xFFFD for i in range(0x80, 0xA0)}
_TABLE = {**_C0, **_C1}
# Bidi overrides can make text render in another order than it reads (a spoofed name).
_BIDI = {i: 0xFFFD for i in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_TABLE.update(_BIDI)
_TABLE_KEEP_TAB = {k: v for k, v in _TABLE.items() if k != 0x09}

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: object, *, keep_tabs: bool = False) -> str:
    """Return ``value`` as a string whose control characters are shown, not interpreted.

    Args:
        value: Any value from the engine; ``None`` becomes ``""`` and bytes are decoded as
            UTF-8 with invalid bytes replaced.
        keep_tabs: Leave tab characters as they are (for log lines).
    """
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = value if isinstance(value, str) else str(value)
    if not _UNSAFE.search(text):
        return text
    return text.translate(_TABLE_KEEP_TAB if keep_tabs else _TABLE)
