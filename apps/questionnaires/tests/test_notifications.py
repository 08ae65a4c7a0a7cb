"""The e-mail that something waits for a client goes out once, however often its task runs
(a worker that died before acknowledging it runs it again)."""

import pytest

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.dossiers.tests.factories import DossierFactory
from apps.questionnaires.models import Assignment, Instrument
from apps.questionnaires.notifications import assignment_notify
from apps.questionnaires.services.instruments import instruments_load
from apps.questionnaires.tasks import notify_assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment():
    instruments_load()
    dossier = DossierFactory()
    dossier.client.account = UserFactory(role=Role.RESIDENT)
    dossier.client.save(update_fields=["account"])
    return Assignment.objects.create(
        client=dossier.client,
        dossier=dossier,
        instrument=Instrument.objects.get(code="positive-health-short"),
    )


def test_running_the_task_again_sends_no_second_email(assignment, mailoutbox):
    assert notify_assignment.apply(args=[assignment.pk]).get() is True
    assert notify_assignment.apply(args=[assignment.pk]).get() is False
    assert len(mailoutbox) == 1
    assignment.refresh_from_db()
    assert assignment.notified_at is not None


def test_a_mail_server_that_fails_leaves_the_email_unsent_for_the_retry(
    assignment, mailoutbox, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("apps.questionnaires.notifications.send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):  # the task retries on it
        assignment_notify(assignment_id=assignment.pk)
    assignment.refresh_from_db()
    assert assignment.notified_at is None
    monkeypatch.undo()
    assert notify_assignment.apply(args=[assignment.pk]).get() is True
    assert len(mailoutbox) == 1


def test_a_request_taken_back_sends_nothing(assignment, mailoutbox):
    Assignment.objects.filter(pk=assignment.pk).update(cancelled_at=assignment.assigned_at)
    assert notify_assignment.apply(args=[assignment.pk]).get() is False
    assert mailoutbox == []
