import pytest
from django.http import QueryDict
from django.utils import translation

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.organisation.models import Municipality, Neighbourhood, Team, Theme
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    NeighbourhoodFactory,
    TeamFactory,
)
from apps.reports.filters import ReportFilter

pytestmark = pytest.mark.django_db


def test_teams_and_municipalities_are_offered_by_the_names_their_records_give():
    """The options are read as columns, not records: their labels are what str() of
    each record says."""
    municipality = MunicipalityFactory(name="'s-Hertogenbosch")
    TeamFactory(municipality=municipality, name="Team <Noord> & Oost")
    TeamFactory(municipality=municipality, name="Team Zuid")
    report_filter = ReportFilter(QueryDict(""), user=UserFactory(role=Role.MANAGER))

    for name, queryset in (
        ("team", Team.objects.order_by("name")),
        ("municipality", Municipality.objects.order_by("name")),
    ):
        field = report_filter.form.fields[name]
        assert list(field.choices)[1:] == [(one.pk, str(one)) for one in queryset]
        rendered = str(report_filter.form[name])
        for one in queryset:
            assert f'<option value="{one.pk}">' in rendered
    rendered = str(report_filter.form["team"])
    assert "Team &lt;Noord&gt; &amp; Oost" in rendered
    assert rendered.count("<option") == Team.objects.count() + 1


def test_a_team_chosen_by_its_number_is_the_team_itself():
    team = TeamFactory()
    report_filter = ReportFilter(QueryDict(f"team={team.pk}"), user=UserFactory(role=Role.MANAGER))
    assert report_filter.selection().team == team
    assert f'<option value="{team.pk}" selected>' in str(report_filter.form["team"])


@pytest.mark.parametrize("language", ["nl", "en"])
def test_areas_and_themes_are_offered_by_the_names_their_records_give(language):
    municipality = MunicipalityFactory(name="Amersfoort")
    district = NeighbourhoodFactory(municipality=municipality, name="Centrum & <Oud>")
    NeighbourhoodFactory(municipality=municipality, name="Vathorst")
    viewer = UserFactory(role=Role.MUNICIPALITY_VIEWER)
    MunicipalityMembershipFactory(user=viewer, municipality=municipality)

    with translation.override(language):
        report_filter = ReportFilter(QueryDict(f"area={district.pk}"), user=viewer)
        areas = Neighbourhood.objects.filter(municipality=municipality).order_by("kind", "name")
        assert list(report_filter.form.fields["area"].choices)[1:] == [
            (one.pk, str(one)) for one in areas
        ]
        assert list(report_filter.form.fields["theme"].choices)[1:] == [
            (theme.pk, str(theme)) for theme in Theme.objects.all()
        ]
        assert "Centrum &amp; &lt;Oud&gt; (Amersfoort)" in str(report_filter.form["area"])
        assert report_filter.selection().area == district
