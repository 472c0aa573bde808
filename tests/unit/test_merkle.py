"""The Merkle log's hashing and proofs against RFC 9162's reference vectors.

The leaves, roots and proofs are the Certificate Transparency project's test
vectors (its Go ``testonly`` package, RFC 6962 = RFC 9162 §2.1 hashing).
"""

from __future__ import annotations

import random

import pytest

from domain.merkle import (
    MemoryTree,
    completed,
    consistency_ranges,
    consistent,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    proof,
    root_from_inclusion,
)

LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
CONSISTENCY = {
    (1, 1): [],
    (1, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}


def tree_of(leaves: list[bytes]) -> MemoryTree:
    tree = MemoryTree()
    for data in leaves:
        tree.append(leaf_hash(data))
    return tree


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from the RFC's recursive definition."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def test_roots_of_every_size_are_the_reference_roots() -> None:
    tree = tree_of(LEAVES)
    assert [tree.root(size).hex() for size in range(1, 9)] == ROOTS


@pytest.mark.parametrize(("index", "size"), sorted(INCLUSION))
def test_inclusion_proofs_are_the_reference_proofs(index: int, size: int) -> None:
    tree = tree_of(LEAVES)
    path = proof(inclusion_ranges(index, size), tree.subtree)
    assert [p.hex() for p in path] == INCLUSION[(index, size)]
    assert root_from_inclusion(index, size, leaf_hash(LEAVES[index]), path) == tree.root(size)


@pytest.mark.parametrize(("old", "new"), sorted(CONSISTENCY))
def test_consistency_proofs_are_the_reference_proofs(old: int, new: int) -> None:
    tree = tree_of(LEAVES)
    path = proof(consistency_ranges(old, new), tree.subtree)
    assert [p.hex() for p in path] == CONSISTENCY[(old, new)]
    assert consistent(old, tree.root(old), new, tree.root(new), path)


def test_every_proof_of_a_larger_tree_verifies_and_a_changed_one_does_not() -> None:
    rng = random.Random(13)
    leaves = [rng.randbytes(8) for _ in range(70)]
    tree = tree_of(leaves)
    hashed = [leaf_hash(d) for d in leaves]
    for size in range(1, 71):
        assert tree.root(size) == reference_root(hashed[:size])
        for index in range(size):
            path = proof(inclusion_ranges(index, size), tree.subtree)
            assert root_from_inclusion(index, size, hashed[index], path) == tree.root(size)
            other = hashed[(index + 1) % size]
            if other != hashed[index]:
                assert root_from_inclusion(index, size, other, path) != tree.root(size)
        for old in range(1, size + 1):
            path = proof(consistency_ranges(old, size), tree.subtree)
            assert consistent(old, tree.root(old), size, tree.root(size), path)
            if old < size:
                assert not consistent(old, leaf_hash(b"rewritten"), size, tree.root(size), path)


def test_appending_in_batches_completes_the_same_subtrees() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(37)]
    whole = tree_of([bytes([i]) for i in range(37)])
    stored: dict[tuple[int, int], bytes] = {}
    size = 0
    for batch in (leaves[:1], leaves[1:8], leaves[8:9], leaves[9:37]):
        for level, index, digest in completed(size, batch, lambda lv, i: stored[(lv, i)]):
            stored[(level, index)] = digest
        size += len(batch)
    assert stored == {
        (level, index): digest
        for level, hashes in enumerate(whole.levels)
        for index, digest in enumerate(hashes)
    }
