"""Release 0.1's store, proven by the Merkle log: its frozen feed lines give a frozen root,
and a case proof of its case verifies offline.

The root below is the RFC 9162 root over the 27 golden feed lines of
tests/fixtures/release-0.1: a change to how a leaf is formed changes it, and
would break every tree head signed in the field.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from domain.access import Actor, Role
from domain.merkle import MemoryTree, leaf_hash
from service.application.tenancy import Tenancy
from service.config import Settings
from service.proof.case_proof import case_proof
from service.proof.checkpoints import make_checkpoint
from service.proof.verify_export import verify_export

RELEASE = Path(__file__).parent.parent / "fixtures" / "release-0.1"
ROOT = "1ca93cfca3e2ec866d5e6432871702f90d30dc6a87dc19c08053503daa564f56"


def test_the_golden_lines_give_the_frozen_root_and_the_case_proof_verifies(
    tmp_path: Path,
) -> None:
    tree = MemoryTree()
    for line in (RELEASE / "feed_lines.golden.jsonl").read_text().splitlines():
        tree.append(leaf_hash(line.encode("utf-8")))
    assert tree.size == 27 and tree.root(27).hex() == ROOT

    data = tmp_path / "data"
    shutil.copytree(RELEASE, data)
    tenancy = Tenancy(Settings(data_dir=data))
    try:
        app = tenancy.tenant("vorige-release")
        head = make_checkpoint(app, "vorige-release")
        assert head is not None and (head.tree_size, head.root_hash) == (27, ROOT)
        case_id = (data / "case_id").read_text()
        lines = list(case_proof(app, "vorige-release", case_id, Actor("t", Role.AUDITOR)))
    finally:
        tenancy.close()
    found = verify_export(lines, head.public_key)
    assert found.valid, found.problems
    assert (found.case_id, found.events) == (case_id, 26)
