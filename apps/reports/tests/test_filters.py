import pytest
from django.http import QueryDict

from apps.accounts.models import Role
from apps.accounts.tests.factories import UserFactory
from apps.organisation.models import Municipality, Team
from apps.organisation.tests.factories import MunicipalityFactory, TeamFactory
from apps.reports.filters import ReportFilter

pytestmark = pytest.mark.django_db


def test_teams_and_municipalities_are_offered_by_the_names_their_records_give():
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
