"""The hashed form of a feed line: what its chain and Merkle leaf cover.

For now the identity; personal fields will enter as salted commitments so
that erasing them later changes no hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def hashed_form(line: Mapping[str, Any]) -> dict[str, Any]:
    """The line as the chains hash it (a copy; the line itself is left alone)."""
    return dict(line)
