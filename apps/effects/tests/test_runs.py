"""How a computation runs: one at a time, all or nothing, asked for by a manager or the
management command."""

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.dossiers.models import ContactMoment
from apps.dossiers.tests.factories import DossierFactory
from apps.effects import rebuild
from apps.effects.locking import ADVISORY_LOCK_KEY, LOCK_NAME, LOCK_STALE_AFTER
from apps.effects.models import Figure, Level, StaleMonth, StatisticsLock, StatisticsRun
from apps.effects.services import (
    progress_read,
    statistics_rebuild_request,
    statistics_update,
)
from apps.effects.tasks import compute_statistics
from apps.effects.tests.builders import compute, contact, local, org, snapshot
from apps.organisation.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

MARCH = date(2025, 3, 1)
on_sqlite_only = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL takes an advisory lock, not a row"
)
on_postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"
)


@pytest.fixture
def dossier():
    """A dossier with a call of 30 minutes in March 2025."""
    dossier = DossierFactory(team=TeamFactory(), started_on=date(2025, 1, 6))
    contact(dossier, local(2025, 3, 10), ContactMoment.Mode.PHONE, 30)
    return dossier


def a_change(dossier):
    """A second call in March: the journal notes March."""
    contact(dossier, local(2025, 3, 20), ContactMoment.Mode.PHONE, 15)
    assert StaleMonth.objects.exists()


# 8. Locking and failure


def test_a_computation_while_another_holds_the_lock_is_refused(dossier, held_lock):
    before = snapshot()
    a_change(dossier)

    run = statistics_update(full=True)

    assert run.status == StatisticsRun.Status.REFUSED
    assert run.started_at is None
    assert run.finished_at is not None
    assert run.error
    assert snapshot() == before
    assert StaleMonth.objects.exists()


@on_sqlite_only
def test_the_lock_row_of_another_computation_stays_and_is_released_after_a_run(dossier):
    StatisticsLock.objects.create(name=LOCK_NAME)
    assert statistics_update(full=True).status == StatisticsRun.Status.REFUSED
    # The refused run leaves the other computation's row alone.
    assert StatisticsLock.objects.filter(name=LOCK_NAME).exists()

    StatisticsLock.objects.all().delete()
    compute(full=True)
    assert not StatisticsLock.objects.exists()


@on_sqlite_only
def test_a_lock_row_left_by_a_process_that_died_is_taken_over(dossier):
    StatisticsLock.objects.create(
        name=LOCK_NAME, acquired_at=timezone.now() - LOCK_STALE_AFTER - timedelta(minutes=1)
    )
    compute(full=True)
    assert org("contacts", MARCH, key="phone") == (1, 30, 900)


@on_postgresql_only
def test_the_advisory_lock_is_held_only_while_computing(dossier, monkeypatch):
    def lock_held() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND objid = %s AND pid = pg_backend_pid()",
                [ADVISORY_LOCK_KEY],
            )
            return cursor.fetchone()[0] == 1

    held_while_computing = []
    run_steps = rebuild.run_steps

    def run_steps_and_look(step_list, **kwargs):
        held_while_computing.append(lock_held())
        return run_steps(step_list, **kwargs)

    monkeypatch.setattr(rebuild, "run_steps", run_steps_and_look)
    compute(full=True)

    assert held_while_computing == [True]
    assert not lock_held()


def test_a_computation_that_fails_halfway_leaves_the_previous_figures(dossier, monkeypatch):
    compute(full=True)
    before = snapshot()
    a_change(dossier)
    steps = rebuild.steps

    def steps_with_a_broken_last(months, **kwargs):
        step_list = steps(months, **kwargs)
        # A change to contacts alone: the contacts and the clients reached, and on SQLite
        # their levels added up.
        assert len(step_list) >= 2
        broken = step_list[-1]
        step_list[-1] = rebuild.Step(broken.label, "SELECT * FROM no_such_table", [])
        return step_list

    monkeypatch.setattr(rebuild, "steps", steps_with_a_broken_last)
    run = statistics_update(full=False)

    assert run.status == StatisticsRun.Status.FAILED
    assert "no_such_table" in run.error
    assert run.finished_at is not None
    # The steps before it wrote figures of March; they went with the rest.
    assert snapshot() == before
    assert StaleMonth.objects.exists()
    assert not StatisticsLock.objects.exists()

    # The next update computes March after all.
    monkeypatch.setattr(rebuild, "steps", steps)
    assert compute(full=False).months_computed == 1
    assert org("contacts", MARCH, key="phone") == (2, 45, 1125)
    assert not StaleMonth.objects.exists()


def test_an_update_with_nothing_changed_writes_nothing(dossier):
    compute(full=True)
    before = snapshot()
    run = compute(full=False)

    assert run.months_computed == 0
    assert run.figures_written == 0
    assert snapshot() == before


# 9. A manager asks for a rebuild


def test_a_second_request_while_one_waits_gets_the_same_run(
    dossier, django_capture_on_commit_callbacks
):
    manager = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        run, created = statistics_rebuild_request(requested_by=manager)
        again, created_again = statistics_rebuild_request(requested_by=UserFactory())

    assert created and not created_again
    assert again.pk == run.pk
    assert again.requested_by == manager
    assert StatisticsRun.objects.count() == 1
    # One task, sent when the transaction commits.
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == StatisticsRun.Status.QUEUED


def test_tasks_run_at_once_in_tests_so_the_request_returns_a_finished_run(
    dossier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run, created = statistics_rebuild_request(requested_by=UserFactory())

    assert created
    run.refresh_from_db()
    assert run.status == StatisticsRun.Status.SUCCEEDED
    assert run.kind == StatisticsRun.Kind.FULL
    assert org("contacts", MARCH, key="phone") == (1, 30, 900)
    # Done, so the next request is a new run.
    with django_capture_on_commit_callbacks():
        next_run, next_created = statistics_rebuild_request(requested_by=None)
    assert next_created and next_run.pk != run.pk


def test_the_progress_of_a_run_is_in_the_cache(dossier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run, _created = statistics_rebuild_request(requested_by=None)

    step_list = rebuild.steps(rebuild.Months(None))
    assert progress_read(run.pk) == {
        "done": len(step_list),
        "total": len(step_list),
        "step": step_list[-1].label,
    }
    assert progress_read(run.pk + 1) is None


def test_a_request_left_by_a_lost_worker_no_longer_blocks_a_new_one(dossier):
    lost = StatisticsRun.objects.create(
        kind=StatisticsRun.Kind.FULL,
        status=StatisticsRun.Status.RUNNING,
        requested_at=timezone.now() - LOCK_STALE_AFTER - timedelta(minutes=1),
    )
    run, created = statistics_rebuild_request(requested_by=None)
    assert created and run.pk != lost.pk


def test_the_task_does_not_run_a_run_that_is_no_longer_queued(dossier):
    run = compute(full=True)
    assert compute_statistics(run.pk) == "gone"
    assert compute_statistics(run.pk + 1000) == "gone"


# 10. The management command


def command(*args) -> str:
    out = StringIO()
    call_command("statistics_rebuild", *args, stdout=out)
    return out.getvalue()


def test_the_command_computes_everything_and_says_how_much(dossier):
    output = command()

    run = StatisticsRun.objects.get()
    assert run.kind == StatisticsRun.Kind.FULL
    assert run.status == StatisticsRun.Status.SUCCEEDED
    # January (the new dossier) and March (the call).
    assert run.months_computed == 2
    match = re.fullmatch(r".+: (\d+) months, (\d+) figures in \d+\.\d s\.\n", output)
    assert match, output
    assert (int(match[1]), int(match[2])) == (2, run.figures_written)
    assert run.figures_written > 0


def test_the_command_with_changed_updates_the_changed_months(dossier):
    command()
    a_change(dossier)
    output = command("--changed")

    run = StatisticsRun.objects.order_by("-pk").first()
    assert run.kind == StatisticsRun.Kind.INCREMENTAL
    assert ": 1 months, " in output
    assert org("contacts", MARCH, key="phone") == (2, 45, 1125)


def test_the_command_fails_when_another_computation_runs(dossier, held_lock):
    with pytest.raises(CommandError, match="Another computation of the statistics is running"):
        command()
    assert StatisticsRun.objects.get().status == StatisticsRun.Status.REFUSED


def test_the_command_fails_with_the_error_of_a_failed_computation(dossier, monkeypatch):
    def broken(months, **kwargs):
        return [rebuild.Step("broken", "SELECT * FROM no_such_table", [])]

    monkeypatch.setattr(rebuild, "steps", broken)
    with pytest.raises(CommandError, match=r"The computation failed: .*no_such_table"):
        command()
    assert StatisticsRun.objects.get().status == StatisticsRun.Status.FAILED


def test_every_figure_written_has_an_id_of_its_own(dossier):
    compute(full=True)
    by_hand = Figure.objects.create(
        level=Level.ORGANISATION, month=date(2019, 1, 1), measure="contacts", n=1
    )
    a_change(dossier)
    compute(full=False)
    later = Figure.objects.create(
        level=Level.ORGANISATION, month=date(2019, 2, 1), measure="contacts", n=1
    )

    ids = list(Figure.objects.values_list("pk", flat=True))
    assert None not in ids
    assert len(ids) == len(set(ids)) > 10
    # The ids written in bulk lie behind the sequence that a figure saved by hand draws from.
    assert later.pk > max(pk for pk in ids if pk != later.pk)
    assert by_hand.pk in ids
