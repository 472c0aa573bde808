"""The tenant's Merkle log: RFC 9162 §2.1 hashing, tree shape and proofs.

Leaf *i* (0-based; the feed's position *i + 1*) is
``SHA-256(0x00 || canonical bytes of the line's hashed form)``; an inner node
is ``SHA-256(0x01 || left || right)``. The tree over *n* leaves splits at
*k*, the largest power of two below *n*: its left part is always a complete
subtree, so every tree is built from complete, aligned subtrees — the
``(level, index)`` pairs the store keeps, holding leaves
``[index * 2**level, (index + 1) * 2**level)``. That keeps a tree head and
every proof at O(log n) stored hashes, whatever the log's size.

pymerkle computes the same roots but proves in a format of its own (its
consistency proofs are not RFC 9162's), so an auditor's RFC 9162 verifier in
another language could not check them: the RFC's algorithms are written out
here instead, and tested against the Certificate Transparency test vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from domain.commitments import hashed_form
from domain.hashchain import canonical_bytes

Subtree = Callable[[int, int], bytes]
"""The hash of the complete subtree at ``(level, index)``."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def feed_leaf(line: Mapping[str, Any]) -> bytes:
    """The leaf of a feed line (without ``chain``): over its hashed form, so erasing a
    person's data later, which leaves the hashed form alone, changes no leaf."""
    return leaf_hash(canonical_bytes(hashed_form(line)))


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(width: int) -> int:
    """The largest power of two smaller than ``width`` (> 1)."""
    return 1 << ((width - 1).bit_length() - 1)


def subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees ``[start, end)`` is made of in the RFC's shape, left to right.

    ``start`` must be aligned as in every range the RFC's algorithms visit.
    """
    found = []
    while end > start:
        width = end - start
        size = width if width & (width - 1) == 0 else _split(width)
        level = size.bit_length() - 1
        found.append((level, start >> level))
        start += size
    return found


def range_hash(start: int, end: int, subtree: Subtree) -> bytes:
    """MTH(D[start:end]): the complete subtrees folded from the right."""
    parts = [subtree(level, index) for level, index in subtrees(start, end)]
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose hashes prove leaf ``index`` in a tree of ``size`` (RFC 9162
    §2.1.3.1), in the proof's order: from the leaf's sibling up to the root's child."""
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose hashes prove the tree of ``old`` leaves is a prefix of the tree
    of ``new`` (RFC 9162 §2.1.4.1, PROOF and SUBPROOF), in the proof's order."""
    ranges: list[tuple[int, int]] = []
    start, end, whole = 0, new, True
    while old != end:
        k = _split(end - start)
        if old - start <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, whole = start + k, False
    if not whole:
        ranges.append((start, end))
    return ranges[::-1]


def proof(ranges: Iterable[tuple[int, int]], subtree: Subtree) -> list[bytes]:
    return [range_hash(start, end, subtree) for start, end in ranges]


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """The root a leaf and its inclusion path lead to (RFC 9162 §2.1.3.2), or None when
    the path cannot be one for ``index`` in a tree of ``size``."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def consistent(old: int, old_root: bytes, new: int, new_root: bytes, path: list[bytes]) -> bool:
    """Whether ``path`` proves the tree of ``old`` leaves is a prefix of the tree of
    ``new`` leaves with these roots (RFC 9162 §2.1.4.2)."""
    if not 0 < old <= new:
        return False
    if old == new:
        return not path and old_root == new_root
    if old & (old - 1) == 0:
        path = [old_root, *path]
    if not path:
        return False
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def completed(size: int, leaves: list[bytes], subtree: Subtree) -> list[tuple[int, int, bytes]]:
    """Every complete subtree that appending ``leaves`` to a tree of ``size`` completes,
    as ``(level, index, hash)``, leaves included: what the store adds."""
    made: dict[tuple[int, int], bytes] = {}

    def known(level: int, index: int) -> bytes:
        return made.get((level, index)) or subtree(level, index)

    for offset, leaf in enumerate(leaves):
        index, level = size + offset, 0
        made[(0, index)] = leaf
        while index & 1:
            index >>= 1
            left, right = known(level, 2 * index), known(level, 2 * index + 1)
            made[(level + 1, index)] = node_hash(left, right)
            level += 1
    return [(level, index, digest) for (level, index), digest in made.items()]


class MemoryTree:
    """A whole log in memory, for checking an export offline."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> None:
        self.levels[0].append(leaf)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            pair = self.levels[level][-2:]
            if len(self.levels) == level + 1:
                self.levels.append([])
            self.levels[level + 1].append(node_hash(*pair))
            level += 1

    def subtree(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int) -> bytes:
        return range_hash(0, size, self.subtree)
