"""`spoorlog retention run` through the real CLI on both stores: a dry run changes nothing,
a run erases exactly what is due, a rerun does nothing, and a run killed with SIGKILL is
finished by the next without erasing anything twice."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

from domain.access import Actor, Role
from domain.retention import erase
from service.application import retention
from service.application.tenancy import Tenancy
from service.application.tenant_application import TenantApplication
from service.config import Settings
from service.persistence.personal_data import CaseKeys
from tests.api.test_retention_api import holding, store_contents
from tests.conftest import unique_slug
from tests.seeding import record_document
from tests.served import cli_env

ADMIN = Actor("test-admin", Role.ADMIN)
FIRST = date(2019, 1, 7)


def stored_key(app: TenantApplication, case_id: str) -> bytes | None:
    """The case's key as its table holds it now: the CLI erased in another process, and
    this one may remember a key it read for two seconds."""
    return CaseKeys(app.recorder).key(case_id)


def spoorlog(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def seeded(tenancy: Tenancy) -> tuple[str, TenantApplication, str]:
    slug = unique_slug("r")
    tenancy.create_tenant(slug, "Bureau Bewaren", by="test")
    app = tenancy.tenant(slug)
    employer = app.register_employer(
        ADMIN,
        name="Bakkerij Voorbeeld",
        kvk_number=None,
        eigenrisicodrager_zw=False,
        eigenrisicodrager_wga=False,
    )
    return slug, app, str(employer.aggregate.id)


def open_case(app: TenantApplication, employer_id: str, first: date = FIRST) -> str:
    opened = app.open_case(
        ADMIN,
        employer_id=employer_id,
        employee={"name": "Fictief Persoon"},
        first_sick_day=first,
        reported_on=first,
    )
    return str(opened.aggregate.id)


def ended_case(
    app: TenantApplication, employer_id: str, on: date = date(2019, 3, 4), *documents: bytes
) -> str:
    case_id = open_case(app, employer_id, min(FIRST, on))
    for content in documents:
        record_document(app, case_id, ADMIN, on, content, "Verslag")
    app.record(case_id, "herstelmelding", ADMIN, on=on, percentage=100)
    app.record(case_id, "afsluiting", ADMIN, on=on, reason="herstel")
    return case_id


def erasures(app: TenantApplication) -> Counter[str]:
    """How many erasure events each case has, read from the store itself."""
    found: Counter[str] = Counter()
    for notification in app.recorder.select_notifications(0, 1_000_000):
        if notification.topic.endswith(".Wissing"):
            found[str(notification.originator_id)] += 1
    return found


def test_a_dry_run_changes_nothing_a_run_erases_what_is_due_and_a_rerun_nothing(
    tenancy: Tenancy, settings: Settings
) -> None:
    slug, app, employer_id = seeded(tenancy)
    due = [ended_case(app, employer_id) for _ in range(3)]
    still_open = open_case(app, employer_id)
    recent = ended_case(app, employer_id, on=date.today())
    held = ended_case(app, employer_id)
    retention.hold(app, held, ADMIN, "Procedure kantonrechter")
    head = app.recorder.max_notification_id()
    keys = [stored_key(app, case_id) for case_id in due]

    dry = spoorlog(settings, "retention", "run", "--tenant", slug, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert sorted(
        line.split()[3]
        for line in dry.stdout.splitlines()
        if line.startswith(f"{slug}: would erase ")
    ) == (sorted(due))
    assert f"{slug}: 6 cases looked at, would erase 3, 1 held by a legal hold" in dry.stdout
    assert app.recorder.max_notification_id() == head

    run = spoorlog(settings, "retention", "run", "--tenant", slug)
    assert run.returncode == 0, run.stderr
    assert f"{slug}: 6 cases looked at, erased 3, 1 held" in run.stdout
    assert f"{slug} retention: 6/6 cases" in run.stderr  # the progress line
    assert erasures(app) == Counter(due)
    assert [stored_key(app, case_id) for case_id in due] == [None] * 3  # shredded
    assert holding(store_contents(settings, slug, *filter(None, keys)), *filter(None, keys)) == []
    assert all(stored_key(app, kept) for kept in (still_open, recent, held))
    for kept in (still_open, recent, held):
        assert kept not in run.stdout

    after = app.recorder.max_notification_id()
    rerun = spoorlog(settings, "retention", "run")  # every tenant
    assert rerun.returncode == 0, rerun.stderr
    assert f"{slug}: 6 cases looked at, erased 0, 1 held by a legal hold, 3 erased before" in (
        rerun.stdout
    )
    assert app.recorder.max_notification_id() == after


def test_a_run_killed_midway_is_finished_by_the_next_and_nothing_is_erased_twice(
    tenancy: Tenancy, settings: Settings, tmp_path: Path
) -> None:
    slug, app, employer_id = seeded(tenancy)
    due = {ended_case(app, employer_id) for _ in range(150)}
    errors = tmp_path / "run.stderr"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "retention", "run", "--tenant", slug],
            env=cli_env(settings),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert process.stdout is not None
    told = 0
    while told < 10:  # the run has erased ten cases, and goes on
        line = process.stdout.readline()
        assert line, f"the run ended before it erased ten cases: {errors.read_text()[-3000:]}"
        told += line.startswith(f"{slug}: erased ")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    partly = erasures(app)
    assert 10 <= len(partly) < len(due)
    assert set(partly.values()) == {1}

    rerun = spoorlog(settings, "retention", "run", "--tenant", slug)
    assert rerun.returncode == 0, rerun.stderr
    finished = erasures(app)
    assert set(finished) == due and set(finished.values()) == {1}
    assert not any(stored_key(app, case_id) for case_id in due)
    assert (
        f"erased {len(due) - len(partly)}, 0 held by a legal hold, {len(partly)} erased before"
        in (rerun.stdout)
    )


def test_an_unknown_tenant_is_named(settings: Settings, tenancy: Tenancy) -> None:
    seeded(tenancy)
    answer = spoorlog(settings, "retention", "run", "--tenant", "nobody-here")
    assert answer.returncode == 2
    assert "no tenant nobody-here" in answer.stderr


def test_an_erasure_interrupted_before_its_key_went_is_finished_by_the_run(
    tenancy: Tenancy, settings: Settings
) -> None:
    slug, app, employer_id = seeded(tenancy)
    case_id = ended_case(app, employer_id)
    # An erasure as an earlier build recorded it, the process gone before the key went:
    app.command(
        lambda: app.case(case_id, ADMIN),
        lambda case: erase(case, by=ADMIN, reason="termijn", judged=retention.judge(app, case)),
        None,
    )
    assert stored_key(app, case_id) is not None

    run = spoorlog(settings, "retention", "run", "--tenant", slug)
    assert run.returncode == 0, run.stderr
    assert f"{slug}: destroyed the key of {case_id}, erased before" in run.stdout
    assert stored_key(app, case_id) is None
    assert erasures(app) == Counter([case_id])


def test_a_case_an_earlier_build_erased_whole_loses_its_documents_bytes_to_the_run(
    tenancy: Tenancy, settings: Settings
) -> None:
    """The earlier build recorded the wissing, destroyed the key after it and never deleted
    the documents' bytes: the run deletes them (found by the stored documents, not the key),
    keeps those another case not erased names, and a second run has nothing left to do."""
    slug, app, employer_id = seeded(tenancy)
    own = b"%PDF-1.4\nFictief verslag van een gewiste zaak " + uuid.uuid4().bytes.hex().encode()
    shared = b"%PDF-1.4\nFictief gedeeld verslag " + uuid.uuid4().bytes.hex().encode()
    case_id = ended_case(app, employer_id, date(2019, 3, 4), own, shared)
    other_id = ended_case(app, employer_id, date(2019, 3, 4), shared)
    retention.hold(app, other_id, ADMIN, "Procedure kantonrechter")
    # What the earlier build did: the wissing alone, then the key in a second step.
    app.command(
        lambda: app.case(case_id, ADMIN),
        lambda case: erase(case, by=ADMIN, reason="termijn", judged=retention.judge(app, case)),
        None,
    )
    app.case_keys.destroy(case_id)
    own_sha, shared_sha = (hashlib.sha256(c).hexdigest() for c in (own, shared))
    assert app.recorder.document(own_sha) is not None

    told: list[str] = []
    report = retention.run(app, dry_run=False, tell=told.append)
    assert told == [f"deleted the documents' bytes of {case_id}, erased before"]
    assert report.already_erased == 1 and report.erased == []
    assert app.recorder.document(own_sha) is None
    assert app.recorder.document(shared_sha) is not None  # the held case still names it
    assert holding(store_contents(settings, slug, own), own) == []
    assert erasures(app) == Counter([case_id])

    told.clear()
    retention.run(app, dry_run=False, tell=told.append)
    assert told == []  # the shared bytes are the other case's: nothing left to finish
