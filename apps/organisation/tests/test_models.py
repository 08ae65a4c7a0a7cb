import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.organisation.models import Neighbourhood, Theme
from apps.organisation.tests.factories import MunicipalityFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def test_the_ten_social_themes_are_there_in_order():
    themes = list(Theme.objects.all())
    assert len(themes) == 10
    assert themes[0].name_nl == "Burgerinitiatieven & Gemeenschap"
    assert themes[-1].name_nl == "Vrijwillige inzet"
    assert [t.position for t in themes] == list(range(1, 11))


def test_theme_names_follow_the_active_language():
    theme = Theme.objects.get(code="huisvesting-wonen")
    with translation.override("nl"):
        assert theme.name == "Huisvesting & Wonen"
    with translation.override("en"):
        assert theme.name == "Housing & living"


@pytest.mark.parametrize("code", ["0307", "GM307", "gm0307", "GM03071"])
def test_municipality_code_must_be_a_cbs_code(code):
    municipality = MunicipalityFactory.build(cbs_code=code)
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "cbs_code" in error.value.message_dict


def test_a_valid_district_and_neighbourhood():
    district = NeighbourhoodFactory(cbs_code="WK030701")
    buurt = NeighbourhoodFactory.build(
        municipality=district.municipality,
        kind=Neighbourhood.Kind.NEIGHBOURHOOD,
        cbs_code="BU03070101",
        district=district,
    )
    buurt.full_clean()


@pytest.mark.parametrize(
    ("fields", "field_with_error"),
    [
        ({"cbs_code": "BU03070101"}, "cbs_code"),  # a buurt code on a wijk
        ({"centroid_latitude": 5.1, "centroid_longitude": 52.1}, "centroid_latitude"),  # swapped
        ({"boundary": {"type": "Point", "coordinates": [5.1, 52.1]}}, "boundary"),
    ],
)
def test_invalid_districts_get_a_message_per_field(fields, field_with_error):
    district = NeighbourhoodFactory.build(municipality=MunicipalityFactory(), **fields)
    with pytest.raises(ValidationError) as error:
        district.full_clean()
    assert field_with_error in error.value.message_dict


def test_a_neighbourhood_needs_a_district_in_the_same_municipality():
    district = NeighbourhoodFactory()
    orphan = NeighbourhoodFactory.build(
        municipality=district.municipality,
        kind=Neighbourhood.Kind.NEIGHBOURHOOD,
        cbs_code="BU00000101",
    )
    with pytest.raises(ValidationError) as error:
        orphan.full_clean()
    assert "district" in error.value.message_dict

    elsewhere = NeighbourhoodFactory.build(
        municipality=MunicipalityFactory(),
        kind=Neighbourhood.Kind.NEIGHBOURHOOD,
        cbs_code="BU00000102",
        district=district,
    )
    with pytest.raises(ValidationError) as error:
        elsewhere.full_clean()
    assert "district" in error.value.message_dict
