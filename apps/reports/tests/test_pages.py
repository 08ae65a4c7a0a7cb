"""The manager's report pages: who sees which figures, what bad input gets, and that a page
reads a fixed number of queries from the statistics tables whatever their size."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import ContactMoment
from apps.dossiers.tests.factories import ContactMomentFactory, DossierFactory
from apps.effects.models import Figure, StatisticsRun
from apps.effects.selectors import FIGURE_CACHE
from apps.effects.services import statistics_update
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    NeighbourhoodFactory,
    TeamFactory,
    TeamMembershipFactory,
)
from apps.reports.subjects import SUBJECTS

pytestmark = pytest.mark.django_db

HOME = "/rapportage/"


def _this_month_at(day: int, hour: int = 10):
    today = timezone.localdate()
    moment = datetime.combine(today.replace(day=day), time(hour))
    return min(timezone.make_aware(moment), timezone.now() - timedelta(minutes=5))


@pytest.fixture
def organisation():
    """Two municipalities with a team each: team A has 3 contacts with 2 clients this
    month (2 by video), team B 12 contacts with 12 clients."""
    own, other = MunicipalityFactory(), MunicipalityFactory()
    team_a, team_b = TeamFactory(municipality=own), TeamFactory(municipality=other)
    area_a = NeighbourhoodFactory(municipality=own)
    first = DossierFactory(team=team_a, client__neighbourhood=area_a)
    second = DossierFactory(team=team_a, client__neighbourhood=area_a)
    ContactMomentFactory(
        dossier=first, mode=ContactMoment.Mode.VIDEO, occurred_at=_this_month_at(1)
    )
    ContactMomentFactory(
        dossier=first, mode=ContactMoment.Mode.VIDEO, occurred_at=_this_month_at(1, 11)
    )
    ContactMomentFactory(
        dossier=second, mode=ContactMoment.Mode.FACE_TO_FACE, occurred_at=_this_month_at(1, 12)
    )
    for _ in range(12):
        ContactMomentFactory(
            dossier=DossierFactory(team=team_b),
            mode=ContactMoment.Mode.PHONE,
            occurred_at=_this_month_at(1),
        )
    leader = TeamMembershipFactory(team=team_a, user__role=Role.TEAM_LEADER).user
    viewer = UserFactory(role=Role.MUNICIPALITY_VIEWER)
    MunicipalityMembershipFactory(municipality=own, user=viewer)
    statistics_update(full=True)
    return {
        "own": own,
        "other": other,
        "team_a": team_a,
        "team_b": team_b,
        "area_a": area_a,
        "leader": leader,
        "viewer": viewer,
        "manager": UserFactory(role=Role.MANAGER),
    }


def _key_figure(response, label):
    page = next(p for slug, _t, p in response.context["pages"] if slug == "contact")
    with translation.override("nl"):
        label = gettext(label)
    return next(value.text for text, value, _n in page.key_figures if str(text) == label)


def test_a_manager_sees_the_whole_organisation(client, organisation):
    client.force_login(organisation["manager"])
    response = client.get(HOME)
    assert response.status_code == 200
    assert _key_figure(response, "Contacts") == "15"


def test_a_team_leader_sees_only_their_own_teams(client, organisation):
    client.force_login(organisation["leader"])
    response = client.get(HOME)
    assert response.status_code == 200
    assert _key_figure(response, "Contacts") == "3"
    assert [team.pk for team in response.context["report_filter"].filters["team"].queryset] == [
        organisation["team_a"].pk
    ]


def test_a_municipality_viewer_sees_only_protected_figures_of_their_municipality(
    client, organisation
):
    client.force_login(organisation["viewer"])
    response = client.get(HOME)
    assert response.status_code == 200
    # Team A's 3 contacts are the only ones in the own municipality: under 10.
    assert _key_figure(response, "Contacts") == "< 10"
    assert organisation["team_b"].name not in response.content.decode()


@pytest.mark.parametrize("who", ["team_b_for_leader", "other_for_viewer", "team_b_for_viewer"])
def test_a_filter_outside_the_own_scope_is_refused_and_logged(client, organisation, who):
    user, name, target = {
        "team_b_for_leader": (organisation["leader"], "team", organisation["team_b"]),
        "other_for_viewer": (organisation["viewer"], "municipality", organisation["other"]),
        "team_b_for_viewer": (organisation["viewer"], "team", organisation["team_b"]),
    }[who]
    client.force_login(user)
    response = client.get(HOME, {name: target.pk})
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(action="denied", actor_user_id=user.pk).exists()


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.RESIDENT, Role.VOLUNTEER, Role.FUNCTIONAL_ADMIN]
)
def test_roles_without_reports_see_no_figures(client, organisation, role):
    client.force_login(UserFactory(role=role))
    for path in (HOME, "/rapportage/effecten/", "/rapportage/bereik/reach.csv"):
        assert client.get(path).status_code == 403


def test_every_subject_page_renders_for_a_manager(client, organisation):
    client.force_login(organisation["manager"])
    for slug in SUBJECTS:
        response = client.get(f"/rapportage/{slug}/")
        assert response.status_code == 200, slug
        if response.context["page"].has_data:
            assert "<svg" in response.content.decode(), slug


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-05", "end": "2026-01"}, "The end of the period lies before its start."),
        ({"start": "1999-12"}, "Choose a month from January 2000 on."),
        ({"end": "2999-01"}, "The period cannot end after this month."),
        ({"start": "2001-01", "end": "2020-01"}, "Choose a period of at most %(years)s years."),
        ({"start": "gisteren"}, "Enter a valid date."),
        (
            {"team": "999999"},
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_bad_selections_get_a_clear_message_not_a_500(client, organisation, params, message):
    client.force_login(organisation["manager"])
    figures_before = Figure.objects.count()
    response = client.get(HOME, params)
    assert response.status_code == 400
    with translation.override("nl"):
        expected = gettext(message) % {"years": 10} if "%(" in message else gettext(message)
    assert escape(expected) in response.content.decode()
    assert Figure.objects.count() == figures_before


def test_a_period_without_data_says_so_instead_of_showing_zeros(client, organisation):
    client.force_login(organisation["manager"])
    response = client.get("/rapportage/contact/", {"start": "2010-01", "end": "2010-12"})
    assert response.status_code == 200
    assert not response.context["page"].has_data
    assert 'role="status"' in response.content.decode()
    assert "<svg" not in response.content.decode()


def test_the_csv_download_is_exactly_the_table_beside_the_chart(client, organisation):
    client.force_login(organisation["manager"])
    page = client.get("/rapportage/contact/").context["page"]
    chart = next(c for c in page.charts if c.slug == "minutes")
    response = client.get("/rapportage/contact/minutes.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(chart.table.header)
    assert [tuple(row) for row in rows[1:]] == list(chart.table.rows)


def test_an_unknown_chart_or_subject_is_404(client, organisation):
    client.force_login(organisation["manager"])
    assert client.get("/rapportage/contact/nothing.csv").status_code == 404
    assert client.get("/rapportage/nothing/").status_code == 404


def test_a_manager_starts_a_rebuild_and_a_second_request_gets_the_first(
    client, organisation, django_capture_on_commit_callbacks
):
    client.force_login(organisation["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/rapportage/statistieken/opnieuw/")
    assert response.status_code == 302
    # Tasks run at once in tests: the rebuild has finished.
    run = StatisticsRun.objects.order_by("-pk").first()
    assert run.status == StatisticsRun.Status.SUCCEEDED
    assert run.requested_by == organisation["manager"]
    waiting = StatisticsRun.objects.create(kind=StatisticsRun.Kind.FULL)
    client.post("/rapportage/statistieken/opnieuw/")
    assert StatisticsRun.objects.order_by("-pk").first() == waiting
    status = client.get("/rapportage/statistieken/status/")
    assert status.context["statistics"]["running"] == waiting
    assert 'hx-trigger="every 2s"' in status.content.decode()


@pytest.mark.parametrize("who", ["leader", "viewer"])
def test_only_managers_may_start_a_rebuild(client, organisation, who):
    client.force_login(organisation[who])
    runs = StatisticsRun.objects.count()
    assert client.post("/rapportage/statistieken/opnieuw/").status_code == 403
    assert StatisticsRun.objects.count() == runs


def _reads_figures(client, path) -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return any(Figure._meta.db_table in query["sql"] for query in queries.captured_queries)


def test_figures_are_read_once_per_computation(client, organisation):
    client.force_login(organisation["manager"])
    assert _reads_figures(client, HOME)
    ContactMomentFactory(
        dossier=DossierFactory(team=organisation["team_b"]),
        mode=ContactMoment.Mode.PHONE,
        occurred_at=_this_month_at(1),
    )

    assert not _reads_figures(client, HOME)
    assert _key_figure(client.get(HOME), "Contacts") == "15"
    statistics_update(full=True)
    assert _reads_figures(client, HOME)
    assert _key_figure(client.get(HOME), "Contacts") == "16"


def _queries(client, path):
    """The queries of the page read afresh: none of its figures kept from before."""
    caches[FIGURE_CACHE].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _add_teams_with_contacts(municipality, months, teams_per_month):
    for months_ago in range(1, months + 1):
        for _ in range(teams_per_month):
            team = TeamFactory(municipality=municipality)
            dossier = DossierFactory(
                team=team,
                client__neighbourhood=NeighbourhoodFactory(municipality=municipality),
            )
            ContactMomentFactory(
                dossier=dossier,
                occurred_at=timezone.now() - timedelta(days=31 * months_ago),
                mode=ContactMoment.Mode.MESSAGE,
            )


def test_queries_per_page_do_not_grow_with_areas_months_or_teams(client, organisation):
    client.force_login(organisation["manager"])
    paths = [HOME] + [f"/rapportage/{slug}/" for slug in SUBJECTS]
    _add_teams_with_contacts(organisation["own"], months=1, teams_per_month=1)
    statistics_update(full=True)
    client.get(HOME)  # the first request after signing in also saves the session
    few = {path: _queries(client, path) for path in paths}
    _add_teams_with_contacts(organisation["own"], months=8, teams_per_month=3)
    statistics_update(full=True)
    many = {path: _queries(client, path) for path in paths}
    # Fewer is allowed: past MAX_PANELS teams the adoption page leaves out the small
    # multiples and their query.
    assert {path: count for path, count in many.items() if count > few[path]} == {}


def test_a_municipality_viewer_sees_no_small_unit_in_a_comparison(client, organisation):
    client.force_login(organisation["viewer"])
    response = client.get("/rapportage/vergelijken/")
    assert response.status_code == 200
    page = response.context["page"]
    # Team A and its neighbourhood have 3 contacts each: too few to show at all.
    for chart in page.charts:
        assert chart.table.rows == ()
        assert escape(organisation["area_a"].name) not in chart.svg


def test_a_manager_sees_every_unit_with_its_exact_size(client, organisation):
    client.force_login(organisation["manager"])
    page = client.get("/rapportage/vergelijken/").context["page"]
    teams = {row[0]: row[1] for row in page.charts[0].table.rows}
    assert teams == {organisation["team_a"].name: "3", organisation["team_b"].name: "12"}
    # Online: team A's two video calls of three contacts, none of team B's phone calls.
    shares = {row[0]: row[2] for row in page.charts[0].table.rows}
    assert shares == {organisation["team_a"].name: "66,7%", organisation["team_b"].name: "0,0%"}


def test_a_team_leader_compares_the_neighbourhoods_of_their_own_team(client, organisation):
    from apps.effects.tests.builders import buurt

    street = buurt(organisation["area_a"])
    for _ in range(2):
        dossier = DossierFactory(team=organisation["team_a"], client__neighbourhood=street)
        ContactMomentFactory(dossier=dossier, occurred_at=_this_month_at(1))
    # Another team's client in the same neighbourhood is not theirs to see.
    ContactMomentFactory(
        dossier=DossierFactory(team=organisation["team_b"], client__neighbourhood=street),
        occurred_at=_this_month_at(1),
    )
    statistics_update(full=True)
    client.force_login(organisation["leader"])
    page = client.get("/rapportage/vergelijken/").context["page"]
    neighbourhoods = {row[0]: row[1] for row in page.charts[1].table.rows}
    assert neighbourhoods == {street.name: "2"}


def test_across_municipalities_areas_are_districts_and_one_municipality_shows_neighbourhoods(
    client, organisation
):
    from apps.effects.tests.builders import buurt

    street = buurt(organisation["area_a"])
    ContactMomentFactory(
        dossier=DossierFactory(team=organisation["team_a"], client__neighbourhood=street),
        occurred_at=_this_month_at(1),
    )
    statistics_update(full=True)
    client.force_login(organisation["manager"])

    across = client.get("/rapportage/vergelijken/").context["page"]
    assert [chart.slug for chart in across.charts] == ["funnel-team", "funnel-district"]
    # The district adds up its own clients (3 contacts) and its neighbourhood's (1).
    assert {row[0]: row[1] for row in across.charts[1].table.rows} == {
        organisation["area_a"].name: "4"
    }
    assert len(across.notes) == 1

    one = client.get(f"/rapportage/vergelijken/?municipality={organisation['own'].pk}")
    page = one.context["page"]
    assert [chart.slug for chart in page.charts] == ["funnel-team", "funnel-neighbourhood"]
    assert {row[0]: row[1] for row in page.charts[1].table.rows} == {street.name: "1"}
    assert page.notes == []

    reach = client.get(f"/rapportage/bereik/?municipality={organisation['own'].pk}")
    area_map = next(chart for chart in reach.context["page"].charts if chart.slug == "areas")
    assert [row[0] for row in area_map.table.rows] == [street.name]


def test_a_team_leader_of_one_municipality_sees_its_neighbourhoods(client, organisation):
    client.force_login(organisation["leader"])
    page = client.get("/rapportage/vergelijken/").context["page"]
    assert [chart.slug for chart in page.charts] == ["funnel-team", "funnel-neighbourhood"]
    assert page.notes == []


def test_a_csv_of_the_district_comparison_is_its_table(client, organisation):
    client.force_login(organisation["manager"])
    response = client.get("/rapportage/vergelijken/funnel-district.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == organisation["area_a"].name
    assert client.get("/rapportage/vergelijken/funnel-neighbourhood.csv").status_code == 404


def _area_choices(response) -> set[str]:
    return {str(area.pk) for area in response.context["report_filter"].form.fields["area"].queryset}


def test_the_area_filter_lists_the_areas_of_one_municipality(client, organisation):
    other_area = NeighbourhoodFactory(municipality=organisation["other"])
    client.force_login(organisation["manager"])

    across = client.get(HOME)
    assert _area_choices(across) == set()
    with translation.override("nl"):
        hint = gettext("Choose a municipality first, then one of its districts or neighbourhoods.")
    assert escape(hint) in across.content.decode()

    own = client.get(HOME, {"municipality": organisation["own"].pk})
    assert _area_choices(own) == {str(organisation["area_a"].pk)}

    # An area alone brings its municipality's areas along.
    chosen = client.get(HOME, {"area": other_area.pk})
    assert chosen.status_code == 200
    assert _area_choices(chosen) == {str(other_area.pk)}


def test_an_area_of_another_municipality_than_the_chosen_one_is_a_clear_error(client, organisation):
    other_area = NeighbourhoodFactory(municipality=organisation["other"])
    client.force_login(organisation["manager"])
    response = client.get(HOME, {"municipality": organisation["own"].pk, "area": other_area.pk})
    assert response.status_code == 400
    with translation.override("nl"):
        assert (
            escape(gettext("This area lies in another municipality.")) in response.content.decode()
        )


def test_a_municipality_viewer_chooses_from_the_areas_of_their_municipality(client, organisation):
    NeighbourhoodFactory(municipality=organisation["other"])
    client.force_login(organisation["viewer"])
    assert _area_choices(client.get(HOME)) == {str(organisation["area_a"].pk)}


def test_past_the_most_teams_adoption_adds_teams_up_per_municipality(
    client, organisation, monkeypatch
):
    from apps.reports import subjects

    client.force_login(organisation["manager"])
    by_team = client.get("/rapportage/adoptie/").context["page"]
    chart = next(c for c in by_team.charts if c.slug == "online-per-team")
    assert {row[0] for row in chart.table.rows} == {
        organisation["team_a"].name,
        organisation["team_b"].name,
    }

    monkeypatch.setattr(subjects, "MAX_TEAM_BARS", 1)
    grouped = client.get("/rapportage/adoptie/").context["page"]
    chart = next(c for c in grouped.charts if c.slug == "online-per-team")
    # Team A: 2 of 3 contacts by video; team B: 12 phone calls.
    assert {row[0]: row[1] for row in chart.table.rows} == {
        organisation["own"].name: "66,7%",
        organisation["other"].name: "0,0%",
    }
    assert len(grouped.notes) == 1


def _count_like(text: str) -> int | None:
    """The count a table cell shows, when it shows a whole number (1.234 in Dutch)."""
    digits = text.replace(".", "")
    return int(digits) if digits.isdigit() and "," not in text else None


def test_no_output_for_a_municipality_viewer_shows_a_count_under_the_threshold(
    client, organisation
):
    # Team A of the viewer's municipality has 3 contacts with 2 clients: every page and
    # every CSV must show them as "< 10" or leave them out, and round every other count.
    client.force_login(organisation["viewer"])
    tables = []
    for slug in SUBJECTS:
        response = client.get(f"/rapportage/{slug}/")
        assert response.status_code == 200
        for chart in response.context["page"].charts:
            download = client.get(f"/rapportage/{slug}/{chart.slug}.csv")
            assert download.status_code == 200
            rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
            tables.append((f"{slug}/{chart.slug}", rows[1:]))
        key_figures = [
            (str(text), value.text) for text, value, _n in response.context["page"].key_figures
        ]
        tables.append((f"{slug} key figures", [[label, text] for label, text in key_figures]))

    shown = [
        (name, row[0], cell)
        for name, rows in tables
        for row in rows
        for cell in row[1:]
        if (count := _count_like(cell)) is not None and (0 < count < 10 or count % 5)
    ]
    assert shown == []
    assert any("< 10" in cell for _name, rows in tables for row in rows for cell in row)
