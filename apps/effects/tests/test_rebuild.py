"""The figures of a full computation, checked against small data sets worked out by hand.

Months are those of the Netherlands; every crafted moment is given on the Amsterdam clock
(builders.local) unless the test is about the difference with UTC.
"""

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.dossiers.models import ContactMoment, Dossier, RegisteredQuestion
from apps.dossiers.tests.factories import ClientFactory, DossierFactory
from apps.effects.inference import CHANGE_THRESHOLDS
from apps.effects.models import Figure, Level
from apps.effects.rebuild import LEVEL_COLUMNS, MEASURES
from apps.effects.tests.builders import (
    buurt,
    completed_response,
    compute,
    contact,
    figure,
    local,
    org,
    org_margins,
    wijk,
)
from apps.organisation.models import Theme
from apps.organisation.tests.factories import MunicipalityFactory, TeamFactory
from apps.questionnaires.models import Response

pytestmark = pytest.mark.django_db

FEBRUARY = date(2025, 2, 1)
MARCH = date(2025, 3, 1)
APRIL = date(2025, 4, 1)

PHONE = ContactMoment.Mode.PHONE
HOME_VISIT = ContactMoment.Mode.HOME_VISIT
VIDEO = ContactMoment.Mode.VIDEO

PH_SHORT = "positive-health-short"  # a measurement scale the resident fills in
ZRM = "zrm"  # a measurement scale the social worker fills in
CONVERSATION_TOOL = "positive-health"
SATISFACTION = "client-satisfaction"  # a survey


@pytest.fixture
def municipality():
    return MunicipalityFactory()


@pytest.fixture
def team_a(municipality):
    return TeamFactory(municipality=municipality)


@pytest.fixture
def team_b(municipality):
    return TeamFactory(municipality=municipality)


@pytest.fixture
def two_clients_in_march(team_a, team_b):
    """Xavier has a dossier with team A and one with team B; Yara one with team A. Neither
    lives in a known neighbourhood.

    Xavier, team A: phone 30 min on 3 March, home visit 60 min on 17 March.
    Xavier, team B: phone 15 min on 20 March.
    Yara, team A:   phone 20 min on 27 February, and a video call at 23:30 UTC on
                    28 February, which is 00:30 on 1 March in Amsterdam (CET, UTC+1).
    """
    xavier, yara = ClientFactory(), ClientFactory()
    started = date(2025, 1, 10)
    xavier_a = DossierFactory(client=xavier, team=team_a, started_on=started)
    xavier_b = DossierFactory(client=xavier, team=team_b, started_on=started)
    yara_a = DossierFactory(client=yara, team=team_a, started_on=started)
    contact(xavier_a, local(2025, 3, 3), PHONE, 30)
    contact(xavier_a, local(2025, 3, 17), HOME_VISIT, 60)
    contact(xavier_b, local(2025, 3, 20), PHONE, 15)
    contact(yara_a, local(2025, 2, 27), PHONE, 20)
    contact(yara_a, datetime(2025, 2, 28, 23, 30, tzinfo=UTC), VIDEO, 45)
    return xavier, yara


# 1. Contacts and clients reached


def test_contacts_count_per_mode_with_their_minutes(two_clients_in_march, team_a, team_b):
    compute()

    # March, phone: Xavier's 30 minutes with team A and 15 with team B.
    # n 2, sum 30 + 15 = 45, squares 900 + 225 = 1125.
    assert org("contacts", MARCH, key=PHONE) == (2, 45, 1125)
    assert org("contacts", MARCH, key=HOME_VISIT) == (1, 60, 3600)
    # A contact has no baseline and no margins: those columns stay empty.
    assert org_margins("contacts", MARCH, key=PHONE) == (None, None, None, None)
    # 23:30 UTC on 28 February is 00:30 on 1 March in Amsterdam: a March contact.
    assert org("contacts", MARCH, key=VIDEO) == (1, 45, 45 * 45)
    assert org("contacts", FEBRUARY, key=VIDEO) is None
    assert org("contacts", FEBRUARY, key=PHONE) == (1, 20, 400)
    # Per team: team A had the 30-minute call, team B the 15-minute one.
    assert figure("contacts", Level.TEAM, MARCH, key=PHONE, team=team_a) == (1, 30, 900)
    assert figure("contacts", Level.TEAM, MARCH, key=PHONE, team=team_b) == (1, 15, 225)
    assert figure("contacts", Level.TEAM, MARCH, key=VIDEO, team=team_a) == (1, 45, 2025)


def test_a_client_reached_counts_once_per_month_and_once_per_team(
    two_clients_in_march, team_a, team_b, municipality
):
    _xavier, yara = two_clients_in_march
    # Yara fills in a self-scan alone in the portal on 15 March: reached "with a scan"
    # from March on, not in February.
    completed_response(CONVERSATION_TOOL, local(2025, 3, 15), client=yara)
    compute()

    # March: Xavier (three contacts, two teams) and Yara: 2 clients, 1 with a self-scan.
    assert org("clients_reached", MARCH) == (2, 1, 0)
    # Team A reached Xavier and Yara, team B Xavier: the teams add up to 3, not to 2.
    assert figure("clients_reached", Level.TEAM, MARCH, team=team_a) == (2, 1, 0)
    assert figure("clients_reached", Level.TEAM, MARCH, team=team_b) == (1, 0, 0)
    # Without a known neighbourhood a client counts in the municipality of the team.
    assert figure("clients_reached", Level.MUNICIPALITY, MARCH, municipality=municipality) == (
        2,
        1,
        0,
    )
    # February: Yara's call on the 27th, before her self-scan.
    assert org("clients_reached", FEBRUARY) == (1, 0, 0)


# 2. Theme rows


def test_theme_rows_count_a_dossier_in_each_of_its_themes_and_once_in_all(team_a):
    money, housing = Theme.objects.order_by("position")[:2]
    # "both" has questions in two themes: money twice in March, housing in April.
    both = DossierFactory(team=team_a, started_on=date(2025, 2, 1))
    RegisteredQuestion.objects.create(dossier=both, theme=money, registered_at=local(2025, 3, 5))
    RegisteredQuestion.objects.create(dossier=both, theme=money, registered_at=local(2025, 3, 6))
    RegisteredQuestion.objects.create(dossier=both, theme=housing, registered_at=local(2025, 4, 10))
    # "housing_only" has one housing question, in March.
    housing_only = DossierFactory(team=team_a, started_on=date(2025, 2, 1))
    RegisteredQuestion.objects.create(
        dossier=housing_only, theme=housing, registered_at=local(2025, 3, 7)
    )
    contact(both, local(2025, 3, 10), PHONE, 30)
    contact(housing_only, local(2025, 3, 11), PHONE, 10)
    compute()

    # Contacts in March: both calls in the all-themes row (30 + 10 = 40, 900 + 100);
    # "both" counts in the money row and in the housing row, whatever month its questions
    # were registered in; the theme rows (1 + 2) add up to more than the all-themes row.
    assert org("contacts", MARCH, key=PHONE, theme=None) == (2, 40, 1000)
    assert org("contacts", MARCH, key=PHONE, theme=money) == (1, 30, 900)
    assert org("contacts", MARCH, key=PHONE, theme=housing) == (2, 40, 1000)
    # The same for the clients reached.
    assert org("clients_reached", MARCH, theme=None)[0] == 2
    assert org("clients_reached", MARCH, theme=money)[0] == 1
    assert org("clients_reached", MARCH, theme=housing)[0] == 2
    # Questions count by their own theme, in the month they were registered:
    # March: money, money ("both") and housing ("housing_only").
    assert org("questions", MARCH, theme=None) == (3, 3, 3)
    assert org("questions", MARCH, theme=money) == (2, 2, 2)
    assert org("questions", MARCH, theme=housing) == (1, 1, 1)
    # April: the housing question of "both"; its money theme does not make it a money one.
    assert org("questions", APRIL, theme=None) == (1, 1, 1)
    assert org("questions", APRIL, theme=housing) == (1, 1, 1)
    assert org("questions", APRIL, theme=money) is None


# 3. New and closed dossiers


def test_new_dossiers_by_source_with_a_self_scan_alone_before_the_start(team_a):
    def dossier_after_scan(source, started_on, scan_code, scanned_at, mode=Response.Mode.SELF):
        client = ClientFactory()
        completed_response(scan_code, scanned_at, client=client, mode=mode)
        return DossierFactory(client=client, team=team_a, source=source, started_on=started_on)

    # GP: scanned alone on the morning of the start day (counts), and the day after (not).
    dossier_after_scan("gp", date(2025, 3, 3), CONVERSATION_TOOL, local(2025, 3, 3, 9))
    dossier_after_scan("gp", date(2025, 3, 10), CONVERSATION_TOOL, local(2025, 3, 11))
    # Self: scanned together with a worker (not alone), and a satisfaction survey alone
    # (a survey is no self-scan): neither counts.
    dossier_after_scan(
        "self", date(2025, 3, 12), CONVERSATION_TOOL, local(2025, 3, 1), Response.Mode.TOGETHER
    )
    dossier_after_scan("self", date(2025, 3, 15), SATISFACTION, local(2025, 3, 1))
    # Online: a measurement scale filled in alone in February counts; a scan at 23:30 UTC
    # on 19 March is 00:30 on 20 March in Amsterdam, after a start on the 19th: not.
    dossier_after_scan("online", date(2025, 3, 25), PH_SHORT, local(2025, 2, 20))
    dossier_after_scan(
        "online", date(2025, 3, 19), CONVERSATION_TOOL, datetime(2025, 3, 19, 23, 30, tzinfo=UTC)
    )
    compute()

    # n is the number of new dossiers, total (and total_sq, of ones) those with a scan.
    assert org("dossiers_new", MARCH, key="gp") == (2, 1, 1)
    assert org("dossiers_new", MARCH, key="self") == (2, 0, 0)
    assert org("dossiers_new", MARCH, key="online") == (2, 1, 1)
    assert figure("dossiers_new", Level.TEAM, MARCH, key="gp", team=team_a) == (2, 1, 1)


def test_closed_dossiers_by_reason_with_their_length_in_days(team_a):
    def closed(started_on, ended_on, reason):
        DossierFactory(
            team=team_a,
            status=Dossier.Status.CLOSED,
            started_on=started_on,
            ended_on=ended_on,
            closing_reason=reason,
        )

    # 1 January → 31 March: 30 + 28 + 31 = 89 days; 15 February → 1 March: 14 days.
    closed(date(2025, 1, 1), date(2025, 3, 31), "goals_reached")
    closed(date(2025, 2, 15), date(2025, 3, 1), "goals_reached")
    # 1 March → 2 April: 32 days, closed in April.
    closed(date(2025, 3, 1), date(2025, 4, 2), "referred")
    # Open dossiers are not closed ones.
    DossierFactory(team=team_a, started_on=date(2025, 3, 1))
    compute()

    # March, goals reached: n 2, sum 89 + 14 = 103 (a mean of 51.5 days),
    # squares 7921 + 196 = 8117.
    assert org("dossiers_closed", MARCH, key="goals_reached") == (2, 103, 8117)
    assert org("dossiers_closed", APRIL, key="referred") == (1, 32, 1024)
    assert org("dossiers_closed", MARCH, key="referred") is None
    assert Figure.objects.filter(measure="dossiers_closed", level=Level.ORGANISATION).count() == 2


# 4. Geography


@pytest.fixture
def two_municipalities():
    """Municipality 1 with district (wijk) W and neighbourhood (buurt) B inside it;
    municipality 2 without areas. Team A works from municipality 1, team B from 2.

    Pieter lives in B and Quinten in W (no buurt known): both with team A.
    Roos has no known address: with team B. Sara lives in B: with team B.
    March, one phone call each: Pieter 10 min, Quinten 20, Roos 30, Sara 40.
    """
    first, second = MunicipalityFactory(), MunicipalityFactory()
    district = wijk(first)
    neighbourhood = buurt(district)
    team_a, team_b = TeamFactory(municipality=first), TeamFactory(municipality=second)
    for neighbourhood_of_client, team, minutes in (
        (neighbourhood, team_a, 10),
        (district, team_a, 20),
        (None, team_b, 30),
        (neighbourhood, team_b, 40),
    ):
        dossier = DossierFactory(
            client=ClientFactory(neighbourhood=neighbourhood_of_client),
            team=team,
            started_on=date(2025, 1, 1),
        )
        contact(dossier, local(2025, 3, 5), PHONE, minutes)
    return first, second, district, neighbourhood, team_a, team_b


def test_clients_count_in_their_neighbourhood_district_and_municipality(two_municipalities):
    first, second, district, neighbourhood, team_a, team_b = two_municipalities
    compute()

    def contacts(level, **place):
        return figure("contacts", level, MARCH, key=PHONE, **place)

    # Cells: team, municipality, district and neighbourhood.
    # Pieter: buurt → the buurt, its wijk and its municipality.
    assert contacts(
        Level.CELL, team=team_a, municipality=first, district=district, neighbourhood=neighbourhood
    ) == (1, 10, 100)
    # Quinten: a wijk only → that district, no neighbourhood.
    assert contacts(Level.CELL, team=team_a, municipality=first, district=district) == (1, 20, 400)
    # Roos: no neighbourhood → the municipality of her team.
    assert contacts(Level.CELL, team=team_b, municipality=second) == (1, 30, 900)
    # Sara: the municipality of her neighbourhood, not of her team.
    assert contacts(
        Level.CELL, team=team_b, municipality=first, district=district, neighbourhood=neighbourhood
    ) == (1, 40, 1600)
    assert Figure.objects.filter(level=Level.CELL, measure="contacts").count() == 4

    # Neighbourhood B: Pieter and Sara, 10 + 40; district W alone: Quinten.
    assert contacts(
        Level.NEIGHBOURHOOD, municipality=first, district=district, neighbourhood=neighbourhood
    ) == (2, 50, 1700)
    assert contacts(Level.NEIGHBOURHOOD, municipality=first, district=district) == (1, 20, 400)
    # District W: Pieter, Quinten and Sara, 10 + 20 + 40 = 70, 100 + 400 + 1600 = 2100.
    assert contacts(Level.DISTRICT, municipality=first, district=district) == (3, 70, 2100)
    assert contacts(Level.DISTRICT, municipality=second) == (1, 30, 900)
    assert contacts(Level.MUNICIPALITY, municipality=first) == (3, 70, 2100)
    assert contacts(Level.MUNICIPALITY, municipality=second) == (1, 30, 900)
    assert contacts(Level.TEAM, team=team_a) == (2, 30, 500)
    assert contacts(Level.TEAM, team=team_b) == (2, 70, 2500)
    assert contacts(Level.ORGANISATION) == (4, 100, 3000)

    # Clients reached, counted at each level from the contacts themselves.
    reached = figure(
        "clients_reached", Level.DISTRICT, MARCH, municipality=first, district=district
    )
    assert reached[0] == 3
    neighbourhood_reached = figure(
        "clients_reached",
        Level.NEIGHBOURHOOD,
        MARCH,
        municipality=first,
        district=district,
        neighbourhood=neighbourhood,
    )
    assert neighbourhood_reached[0] == 2
    assert figure("clients_reached", Level.MUNICIPALITY, MARCH, municipality=second)[0] == 1


def _assert_levels_add_up_to_the_cells():
    """Every figure of an additive measure at a coarser level is the sum of the cells
    that share its month, theme, measure, key and the columns of its level."""
    additive = [m.name for m in MEASURES if not m.distinct and Level.CELL in m.levels]
    rows = Figure.objects.filter(measure__in=additive).values()
    checked = 0
    for level in Level:
        if level == Level.CELL:
            continue
        place_columns = LEVEL_COLUMNS[level]

        def identity(row, place_columns=place_columns):
            place = tuple(row[column] for column in place_columns)
            return (row["month"], row["theme_id"], row["measure"], row["key"], place)

        cells = defaultdict(lambda: [0, 0.0, 0.0])
        for row in rows:
            if row["level"] == Level.CELL:
                summed = cells[identity(row)]
                summed[0] += row["n"]
                summed[1] += row["total"]
                summed[2] += row["total_sq"]
        at_level = {identity(row): row for row in rows if row["level"] == level}
        assert set(at_level) == set(cells), level
        for key, row in at_level.items():
            assert (row["n"], row["total"], row["total_sq"]) == pytest.approx(tuple(cells[key])), (
                level,
                key,
            )
            checked += 1
    return checked


def test_coarser_levels_of_additive_measures_are_the_sums_of_the_cells(two_municipalities):
    _first, _second, district, _neighbourhood, team_a, team_b = two_municipalities
    # More facts than contacts: a question, a closed dossier, measurements with a pair.
    themed = Dossier.objects.filter(team=team_b).first()
    RegisteredQuestion.objects.create(
        dossier=themed, theme=Theme.objects.first(), registered_at=local(2025, 3, 2)
    )
    for dossier in Dossier.objects.all():
        completed_response(
            PH_SHORT, local(2025, 2, 3), dossier=dossier, overall=4, dimensions={"body": 3}
        )
        completed_response(
            PH_SHORT, local(2025, 3, 9), dossier=dossier, overall=6, dimensions={"body": 7}
        )
    DossierFactory(
        client=ClientFactory(neighbourhood=district),
        team=team_a,
        status=Dossier.Status.CLOSED,
        started_on=date(2025, 1, 6),
        ended_on=date(2025, 3, 20),
        closing_reason="moved",
    )
    compute()

    assert _assert_levels_add_up_to_the_cells() > 50


# 5. Pairs of measurements


def _points(code) -> Decimal:
    """The instrument's threshold, as a score of two decimals can carry it."""
    points = Decimal(str(CHANGE_THRESHOLDS[code].points))
    assert points == points.quantize(Decimal("0.01")), "the tests need a threshold of 2 decimals"
    return points


def _floating_point_trap(points: Decimal, lowest: int, highest: int) -> Decimal:
    """A score b on the scale such that, in floating point, (b + points) - b comes out
    just below points (with points 1: 7.2 → 8.2 gives 0.9999999999999991; 5.3 → 6.3
    happens to give exactly 1.0). Decimal scores become floating point in the database."""
    for cents in range(lowest * 100, highest * 100 + 1):
        before = Decimal(cents) / 100
        after = before + points
        if after <= highest and float(after) - float(before) < float(points):
            return before
    raise AssertionError(f"no floating-point trap for a change of {points}")


def test_scores_with_how_many_were_low_and_high_on_their_scale(team_a):
    """The spider web's distribution: under half the scale is low, from 70% on high.
    Positive Health scores 0 to 10: 4.99 is low, 5.00 and 6.99 middle, 7.00 high."""
    dossier = DossierFactory(team=team_a, started_on=date(2025, 1, 15))
    for body, overall in (("4.99", "2.00"), ("5.00", "5.00"), ("6.99", "7.00"), ("7.00", "9.50")):
        completed_response(
            CONVERSATION_TOOL,
            local(2025, 3, 5),
            dossier=dossier,
            overall=overall,
            dimensions={"body": body},
        )
    compute()

    n, total, total_sq = org("score", MARCH, key=f"{CONVERSATION_TOOL}|body")
    assert (n, total) == (4, pytest.approx(23.98))
    assert total_sq == pytest.approx(4.99**2 + 5**2 + 6.99**2 + 7**2)
    # above: high, below: low; the baseline is a pair's only.
    assert org_margins("score", MARCH, key=f"{CONVERSATION_TOOL}|body") == (None, None, 1, 1)
    assert org_margins("score", MARCH, key=f"{CONVERSATION_TOOL}|") == (None, None, 2, 1)
    assert figure("score", Level.TEAM, MARCH, key=f"{CONVERSATION_TOOL}|", team=team_a)[0] == 4


def test_pairs_of_first_and_last_and_of_intake_and_closing(team_a):
    t = _points(PH_SHORT)
    z = _points(ZRM)
    # PH-short scores lie between 0 and 10, ZRM levels between 1 and 5.
    b = _floating_point_trap(t, 0, 10)
    zb = _floating_point_trap(z, 1, 5)
    cent = Decimal("0.01")
    together = Response.Mode.TOGETHER

    def measured(dossier, when, moment=Response.Moment.NONE, **scores):
        return completed_response(
            PH_SHORT, when, dossier=dossier, mode=together, moment=moment, **scores
        )

    # d1: overall b at intake (February), 9.00 during (March), b + t at closing (April):
    # a change of exactly t, which floating point makes a little less. Body the other way:
    # b + t → b, worse by exactly t.
    d1 = DossierFactory(team=team_a, started_on=date(2025, 1, 15))
    measured(d1, local(2025, 2, 10), "intake", overall=b, dimensions={"body": b + t})
    measured(d1, local(2025, 3, 10), "during", overall="9.00", dimensions={"body": "9.00"})
    measured(d1, local(2025, 4, 10), "closing", overall=b + t, dimensions={"body": b})
    # d2: b (March) → b + t - 0.01 (April), one hundredth short of the threshold; and a
    # ZRM recorded by the worker, zb → zb + z, exactly its own threshold.
    d2 = DossierFactory(team=team_a, started_on=date(2025, 1, 15))
    measured(d2, local(2025, 3, 12), overall=b)
    measured(d2, local(2025, 4, 12), overall=b + t - cent)
    by_worker = Response.Mode.BY_WORKER
    completed_response(ZRM, local(2025, 3, 13), dossier=d2, mode=by_worker, overall=zb)
    completed_response(ZRM, local(2025, 4, 13), dossier=d2, mode=by_worker, overall=zb + z)
    # d3: one measurement, no pair. d4: a conversation tool and a survey twice: no pairs.
    d3 = DossierFactory(team=team_a, started_on=date(2025, 1, 15))
    measured(d3, local(2025, 4, 14), overall="5.00", dimensions={"body": "5.00"})
    d4 = DossierFactory(team=team_a, started_on=date(2025, 1, 15))
    for code in (CONVERSATION_TOOL, SATISFACTION):
        completed_response(code, local(2025, 3, 15), dossier=d4, overall="4.00")
        completed_response(code, local(2025, 4, 15), dossier=d4, overall="8.00")
    compute()

    t, z, b = float(t), float(z), float(b)
    first_last = "first_last|positive-health-short|"
    # Both pairs end in April: changes t and t - 0.01.
    n, total, total_sq = org("pair", APRIL, key=first_last)
    assert n == 2
    assert total == pytest.approx(2 * t - 0.01)
    assert total_sq == pytest.approx(t**2 + (t - 0.01) ** 2)
    # The baseline: b twice. d1 changed by exactly the threshold: improved (above). d2 by
    # 0.01 less: unchanged.
    assert org_margins("pair", APRIL, key=first_last) == pytest.approx((2 * b, 2 * b**2, 1, 0))
    # Body of d1: b + t → b, worse by exactly the threshold (below).
    body = "first_last|positive-health-short|body"
    assert org("pair", APRIL, key=body) == pytest.approx((1, -t, t**2))
    assert org_margins("pair", APRIL, key=body) == pytest.approx((b + t, (b + t) ** 2, 0, 1))
    # Intake (February) with closing (April): only d1.
    intake = "intake_closing|positive-health-short|"
    assert org("pair", APRIL, key=intake) == pytest.approx((1, t, t**2))
    assert org_margins("pair", APRIL, key=intake)[2:] == (1, 0)
    assert org_margins("pair", APRIL, key=f"{intake}body")[2:] == (0, 1)
    # The ZRM has its own threshold, met exactly.
    assert org("pair", APRIL, key="first_last|zrm|") == pytest.approx((1, z, z**2))
    assert org_margins("pair", APRIL, key="first_last|zrm|")[2:] == (1, 0)

    # The measurement of d1 in March lies between its first and last: no pair ends then.
    assert not Figure.objects.filter(measure__startswith="pair", month=MARCH).exists()
    # No pair of a single measurement (d3), a conversation tool or a survey (d4).
    pair_keys = set(
        Figure.objects.filter(measure="pair", level=Level.ORGANISATION).values_list(
            "key", flat=True
        )
    )
    assert pair_keys == {first_last, body, intake, f"{intake}body", "first_last|zrm|"}
    assert figure("pair", Level.TEAM, APRIL, key=first_last, team=team_a)[0] == 2
