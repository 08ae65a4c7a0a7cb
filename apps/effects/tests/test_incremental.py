"""An update of the changed months gives the figures a full computation gives, and the
journal says which months changed."""

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.dossiers import services as dossier_services
from apps.dossiers.models import Client, ContactMoment, Dossier, RegisteredQuestion
from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.effects import rebuild
from apps.effects.journal import note_months
from apps.effects.models import Figure, StaleMonth, StatisticsRun
from apps.effects.tests.builders import (
    AMSTERDAM,
    buurt,
    completed_response,
    compute,
    contact,
    current_version,
    journal_top,
    local,
    org,
    snapshot,
    wijk,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    TeamFactory,
    TeamMembershipFactory,
)
from apps.questionnaires.models import Instrument, Response
from apps.questionnaires.services import measurements

pytestmark = pytest.mark.django_db

PH_SHORT = "positive-health-short"
ZRM = "zrm"
CONVERSATION_TOOL = "positive-health"
FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2025, 12, 31)
MARCH, APRIL, MAY = date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)


# 6. An update equals a full computation


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def random_moment(rng: random.Random, first: date, last: date) -> datetime:
    """Any hour, so that late evenings and early mornings cross the month in UTC."""
    day = random_day(rng, first, last)
    return datetime.combine(day, time(rng.randint(0, 23), rng.choice((0, 30))), tzinfo=AMSTERDAM)


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


class World:
    """Two municipalities with districts and neighbourhoods, three teams with a worker
    each, six clients and nine dossiers with questions, contacts and measurements, all in
    2025."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        first, second = MunicipalityFactory(), MunicipalityFactory()
        districts = [wijk(first), wijk(first), wijk(second)]
        self.places = [None, *districts, buurt(districts[0]), buurt(districts[0])]
        self.places.append(buurt(districts[2]))
        self.teams = [TeamFactory(municipality=m) for m in (first, first, second)]
        self.workers = {
            team.pk: TeamMembershipFactory(team=team, user__role=Role.SOCIAL_WORKER).user
            for team in self.teams
        }
        self.themes = list(Theme.objects.order_by("position"))
        clients = [ClientFactory(neighbourhood=rng.choice(self.places)) for _ in range(6)]
        for _ in range(9):
            self.dossier_add(rng.choice(clients))
        for client in rng.sample(clients, 2):
            completed_response(CONVERSATION_TOOL, self.moment(), client=client)

    def moment(self, first=FIRST_DAY, last=LAST_DAY) -> datetime:
        return random_moment(self.rng, first, last)

    def dossier_add(self, client):
        rng = self.rng
        team = rng.choice(self.teams)
        started_on = random_day(rng, FIRST_DAY, date(2025, 10, 31))
        closed = rng.random() < 0.3
        ended_on = random_day(rng, started_on, LAST_DAY) if closed else None
        dossier = DossierFactory(
            client=client,
            team=team,
            responsible_worker=self.workers[team.pk],
            source=rng.choice(Dossier.Source.values),
            started_on=started_on,
            status=Dossier.Status.CLOSED if closed else Dossier.Status.ACTIVE,
            ended_on=ended_on,
            closing_reason=rng.choice(Dossier.ClosingReason.values) if closed else "",
        )
        last = ended_on or LAST_DAY
        for _ in range(rng.randint(1, 2)):
            RegisteredQuestion.objects.create(
                dossier=dossier,
                theme=rng.choice(self.themes[:4]),
                registered_at=self.moment(started_on, last),
            )
        for _ in range(rng.randint(1, 4)):
            contact(
                dossier,
                self.moment(started_on, last),
                rng.choice(ContactMoment.Mode.values),
                rng.choice((15, 30, 45, 60)),
            )
        for code in rng.sample((PH_SHORT, ZRM, CONVERSATION_TOOL), k=rng.randint(0, 2)):
            self.measurements_add(dossier, code, rng.randint(1, 3), started_on, last)

    def measurements_add(self, dossier, code, count, first, last):
        rng = self.rng
        lowest, highest, dimension = (1, 5, "finances") if code == ZRM else (0, 10, "body")
        mode = Response.Mode.BY_WORKER if code == ZRM else Response.Mode.TOGETHER
        for _ in range(count):
            completed_response(
                code,
                self.moment(first, last),
                dossier=dossier,
                mode=mode,
                moment=rng.choice(Response.Moment.values),
                overall=rng.randint(lowest * 10, highest * 10) / 10,
                dimensions={dimension: rng.randint(lowest * 4, highest * 4) / 4},
            )

    # The changes, each through a model's save() or delete() or through a service.

    def pick(self, queryset):
        rows = list(queryset.order_by("pk"))
        return self.rng.choice(rows) if rows else None

    def open_dossier(self):
        return self.pick(Dossier.objects.exclude(status=Dossier.Status.CLOSED))

    def contact_log(self):
        dossier = self.open_dossier()
        if dossier is None:
            return
        dossier_services.contact_moment_log(
            dossier=dossier,
            actor=self.workers[dossier.team_id],
            occurred_at=self.moment(dossier.started_on, yesterday()),
            mode=self.rng.choice(ContactMoment.Mode.values),
            duration_minutes=self.rng.choice((10, 20, 40)),
        )

    def contact_move(self):
        moment = self.pick(ContactMoment.objects.all())
        moment.occurred_at = self.moment()
        moment.save()

    def contact_delete(self):
        self.pick(ContactMoment.objects.all()).delete()

    def contacts_bulk_create(self):
        # No signals: the update finds them by their created_at.
        dossiers = list(Dossier.objects.order_by("pk"))
        ContactMoment.objects.bulk_create(
            ContactMoment(
                dossier=self.rng.choice(dossiers),
                occurred_at=self.moment(),
                mode=ContactMoment.Mode.GROUP,
                duration_minutes=90,
            )
            for _ in range(3)
        )

    def team_change(self):
        dossier = self.pick(Dossier.objects.all())
        dossier.team = self.rng.choice([team for team in self.teams if team.pk != dossier.team_id])
        dossier.save()

    def neighbourhood_change(self):
        client = self.pick(Client.objects.all())
        client.neighbourhood = self.rng.choice(
            [place for place in self.places if place != client.neighbourhood]
        )
        client.save()

    def question_with_a_new_theme(self):
        dossier = self.pick(Dossier.objects.all())
        known = set(dossier.questions.values_list("theme_id", flat=True))
        theme = self.rng.choice([theme for theme in self.themes if theme.pk not in known])
        if dossier.status == Dossier.Status.CLOSED:
            RegisteredQuestion.objects.create(
                dossier=dossier,
                theme=theme,
                registered_at=self.moment(dossier.started_on, dossier.ended_on),
            )
        else:
            dossier_services.question_register(
                dossier=dossier, actor=self.workers[dossier.team_id], theme=theme
            )

    def measurement_complete(self):
        dossier = self.open_dossier()
        if dossier is None:
            return
        worker = self.workers[dossier.team_id]
        response = measurements.measurement_start(
            dossier=dossier,
            instrument=Instrument.objects.get(code=ZRM),
            actor=worker,
            moment=self.rng.choice(Response.Moment.values),
        )
        items = current_version(ZRM).items.values_list("code", flat=True)
        measurements.measurement_save(
            response=response,
            answers={code: self.rng.randint(1, 5) for code in items},
            actor=worker,
            complete=True,
        )

    def self_scan_in_the_portal(self):
        completed_response(CONVERSATION_TOOL, self.moment(), client=self.pick(Client.objects.all()))

    def dossier_close(self):
        dossier = self.pick(Dossier.objects.filter(status=Dossier.Status.ACTIVE))
        if dossier is None:
            return
        dossier_services.dossier_advance(
            dossier=dossier,
            actor=self.workers[dossier.team_id],
            to_status=Dossier.Status.CLOSED,
            closing_reason=self.rng.choice(Dossier.ClosingReason.values),
            ended_on=random_day(self.rng, dossier.started_on, yesterday()),
        )

    def dossier_delete(self):
        self.pick(Dossier.objects.all()).delete()

    CHANGES = (
        contact_log,
        contact_move,
        contact_delete,
        contacts_bulk_create,
        team_change,
        neighbourhood_change,
        question_with_a_new_theme,
        measurement_complete,
        self_scan_in_the_portal,
        dossier_close,
        dossier_delete,
    )

    def changes_make(self, count: int) -> list[str]:
        made = []
        for _ in range(count):
            change = self.rng.choice(self.CHANGES)
            change(self)
            made.append(change.__name__)
        return made


def _differences(updated: list, rebuilt: list) -> str:
    only_updated = sorted(set(updated) - set(rebuilt), key=repr)[:10]
    only_rebuilt = sorted(set(rebuilt) - set(updated), key=repr)[:10]
    return f"only after the update: {only_updated}\nonly after the rebuild: {only_rebuilt}"


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_an_update_of_the_changed_months_equals_a_full_computation(seed):
    world = World(random.Random(seed))
    compute(full=True)
    made = []
    # Two rounds: the second update starts from figures that an update wrote.
    for _ in range(2):
        made += world.changes_make(8)
        run = compute(full=False)
        assert run.kind == StatisticsRun.Kind.INCREMENTAL
    updated = snapshot()
    compute(full=True)
    rebuilt = snapshot()

    assert len(rebuilt) > 100
    assert updated == rebuilt, f"after {made}:\n{_differences(updated, rebuilt)}"


CONTACT_CHANGES = (
    World.contact_log,
    World.contact_move,
    World.contact_delete,
    World.contacts_bulk_create,
)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_an_update_after_changes_to_contacts_alone_equals_a_full_computation(seed):
    """Only the contact figures of those months are computed again; the month's other
    figures stay the rows they were."""
    world = World(random.Random(seed))
    compute(full=True)
    others = set(
        Figure.objects.exclude(measure__in=("contacts", "clients_reached")).values_list(
            "pk", flat=True
        )
    )
    made = []
    for _ in range(6):
        change = world.rng.choice(CONTACT_CHANGES)
        change(world)
        made.append(change.__name__)
    assert StaleMonth.objects.exists()
    assert not StaleMonth.objects.filter(contacts_only=False).exists()

    run = compute(full=False)
    assert run.months_computed >= 1
    updated = snapshot()
    kept = set(
        Figure.objects.exclude(measure__in=("contacts", "clients_reached")).values_list(
            "pk", flat=True
        )
    )
    compute(full=True)

    assert kept == others
    assert updated == snapshot(), f"after {made}"


def test_a_month_with_a_contact_and_a_dossier_change_is_computed_whole(closed_dossier):
    june = date(2025, 6, 1)
    compute(full=True)
    contact(closed_dossier, local(2025, 6, 20), ContactMoment.Mode.VIDEO, 20)
    dossier = Dossier.objects.get(pk=closed_dossier.pk)
    dossier.closing_reason = "moved"
    dossier.save()
    assert set(StaleMonth.objects.filter(month=june).values_list("contacts_only", flat=True)) == {
        True,
        False,
    }

    compute(full=False)

    assert org("contacts", june, key="video") == (1, 20, 400)
    assert org("dossiers_closed", june, key="goals_reached") is None
    assert org("dossiers_closed", june, key="moved")[0] == 1


# 7. The journal


@pytest.fixture
def closed_dossier():
    """A dossier from 6 January to 30 June 2025, with a call of 30 minutes in March."""
    dossier = DossierFactory(
        team=TeamFactory(),
        status=Dossier.Status.CLOSED,
        started_on=date(2025, 1, 6),
        ended_on=date(2025, 6, 30),
        closing_reason="goals_reached",
    )
    contact(dossier, local(2025, 3, 10), ContactMoment.Mode.PHONE, 30)
    return dossier


def stale_months() -> set[date]:
    return set(StaleMonth.objects.values_list("month", flat=True))


def test_a_moved_contact_makes_its_months_before_and_after_stale(closed_dossier):
    compute(full=True)
    assert not StaleMonth.objects.exists()
    january = set(Figure.objects.filter(month=date(2025, 1, 1)).values_list("pk", flat=True))
    assert january

    moment = closed_dossier.contact_moments.get()
    moment.occurred_at = local(2025, 4, 2)
    moment.save()
    assert stale_months() == {MARCH, APRIL}
    assert set(StaleMonth.objects.values_list("contacts_only", flat=True)) == {True}

    watermark = journal_top()
    run = compute(full=False)
    assert run.kind == StatisticsRun.Kind.INCREMENTAL
    assert run.months_computed == 2
    assert run.journal_watermark == watermark
    assert not StaleMonth.objects.exists()
    assert org("contacts", MARCH, key="phone") is None
    assert org("contacts", APRIL, key="phone") == (1, 30, 900)
    # The other months were not written again.
    assert set(Figure.objects.filter(month=date(2025, 1, 1)).values_list("pk", flat=True)) == (
        january
    )


def test_an_update_counts_a_contact_just_after_midnight_on_the_first_of_the_month(
    closed_dossier,
):
    compute(full=True)
    # 00:15 on 1 March in Amsterdam is 23:15 on 28 February in UTC, as the row holds it.
    contact(closed_dossier, local(2025, 3, 1, 0, 15), ContactMoment.Mode.PHONE, 10)
    compute(full=False)

    # The call of 10 March (30 minutes) and this one.
    assert org("contacts", MARCH, key="phone") == (2, 40, 1000)


def test_a_deleted_contact_and_a_dossier_changed_note_their_months(closed_dossier):
    compute(full=True)
    closed_dossier.contact_moments.get().delete()
    assert stale_months() == {MARCH}

    # A dossier moved to another team changes every month of its life, January to June.
    dossier = Dossier.objects.get(pk=closed_dossier.pk)
    dossier.team = TeamFactory()
    dossier.save()
    assert stale_months() == {date(2025, month, 1) for month in range(1, 7)}

    run = compute(full=False)
    assert run.months_computed == 6


def test_a_dossier_saved_with_its_dates_written_out_notes_its_months():
    Dossier.objects.create(
        client=ClientFactory(),
        team=TeamFactory(),
        source=Dossier.Source.GP,
        status=Dossier.Status.CLOSED,
        started_on="2025-01-06",
        ended_on="2025-02-10",
        closing_reason="moved",
    )
    assert stale_months() == {date(2025, 1, 1), date(2025, 2, 1)}


def test_a_change_that_does_not_place_a_dossier_notes_nothing(closed_dossier):
    compute(full=True)
    dossier = Dossier.objects.get(pk=closed_dossier.pk)
    dossier.long_running_explanation = "Schulden en een verhuizing."
    dossier.save()
    assert not StaleMonth.objects.exists()


def test_a_questionnaire_stored_completed_notes_its_month_and_every_later_one(closed_dossier):
    """A first self-scan counts for every later month in which its client is reached."""
    compute(full=True)
    completed_response(CONVERSATION_TOOL, local(2025, 2, 3), client=closed_dossier.client)
    months = stale_months()
    assert {date(2025, 2, 1), MARCH, date(2025, 12, 1)} <= months
    assert date(2025, 1, 1) not in months

    compute(full=False)
    # Reached in March, with a self-scan since February.
    assert org("clients_reached", MARCH) == (1, 1, 0)


def test_contacts_added_in_bulk_are_found_by_their_timestamps(closed_dossier):
    compute(full=True)
    ContactMoment.objects.bulk_create(
        [
            ContactMoment(
                dossier=closed_dossier,
                occurred_at=local(2025, 5, 6),
                mode=ContactMoment.Mode.GROUP,
                duration_minutes=90,
            )
        ]
    )
    assert not StaleMonth.objects.exists()

    run = compute(full=False)
    assert run.months_computed == 1
    assert org("contacts", MAY, key="group") == (1, 90, 8100)


def test_months_noted_while_an_update_runs_wait_for_the_next(closed_dossier, monkeypatch):
    compute(full=True)
    moment = closed_dossier.contact_moments.get()
    moment.occurred_at = local(2025, 4, 2)
    moment.save()
    run_steps = rebuild.run_steps

    def run_steps_while_someone_changes_may(step_list, **kwargs):
        note_months([MAY])
        return run_steps(step_list, **kwargs)

    monkeypatch.setattr(rebuild, "run_steps", run_steps_while_someone_changes_may)
    run = compute(full=False)

    assert run.months_computed == 2
    assert stale_months() == {MAY}
    assert StaleMonth.objects.get().pk > run.journal_watermark


def test_an_update_without_an_earlier_computation_is_a_full_one(closed_dossier):
    StatisticsRun.objects.create(
        kind=StatisticsRun.Kind.FULL, status=StatisticsRun.Status.FAILED, error="disk full"
    )
    run = compute(full=False)

    assert run.kind == StatisticsRun.Kind.FULL
    # Every month with a figure: January (new), March (the call) and June (closed).
    assert run.months_computed == Figure.objects.values("month").distinct().count() == 3
    assert org("contacts", MARCH, key="phone") == (1, 30, 900)
    assert not StaleMonth.objects.exists()
