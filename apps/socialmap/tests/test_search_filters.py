"""The social map's "open now" (by the hours, on the clock of Europe/Amsterdam, closed on
public holidays), "near a postcode" (nearest first, within a distance) and the map of a page
of results."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.socialmap.models import Location, Schedule
from apps.socialmap.tests.factories import ServiceAtLocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db
URL = "/sociale-kaart/"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Tuesday in winter (UTC+1) and one on Christmas.
TUESDAY_MORNING = datetime.datetime(2026, 12, 8, 10, 30, tzinfo=AMSTERDAM)
CHRISTMAS = datetime.datetime(2026, 12, 25, 10, 30, tzinfo=AMSTERDAM)


def found(response) -> list[str]:
    return [service["name"] for service in response.context["page"].object_list]


def hours(service=None, place=None, byday="TU", opens=(9, 0), closes=(12, 0), **dates):
    return Schedule.objects.create(
        service=service,
        service_at_location=place,
        byday=byday,
        opens_at=datetime.time(*opens),
        closes_at=datetime.time(*closes),
        **dates,
    )


@pytest.fixture
def timetable():
    morning = ServiceFactory(name="Ochtendspreekuur")
    hours(service=morning, byday="MO,TU,WE")
    afternoon = ServiceFactory(name="Middagspreekuur")
    hours(service=afternoon, opens=(13, 0), closes=(17, 0))
    at_place = ServiceFactory(name="Inloop in het buurthuis")
    hours(place=ServiceAtLocationFactory(service=at_place), opens=(10, 0), closes=(10, 30))
    seasonal = ServiceFactory(name="Zomerinloop")
    hours(
        service=seasonal, valid_from=datetime.date(2026, 6, 1), valid_to=datetime.date(2026, 8, 31)
    )
    ServiceFactory(name="Zonder tijden")


class TestOpenNow:
    def test_by_its_hours_on_the_clock_of_amsterdam(self, client, timetable):
        with time_machine.travel(TUESDAY_MORNING, tick=False):
            response = client.get(URL, {"nu_open": "on"})
        # 10:30 is when the walk-in hour at the place closes: no longer open.
        assert found(response) == ["Ochtendspreekuur"]

    def test_the_hours_of_a_place_count_too(self, client, timetable):
        with time_machine.travel(TUESDAY_MORNING - datetime.timedelta(minutes=15), tick=False):
            response = client.get(URL, {"nu_open": "on"})
        assert found(response) == ["Inloop in het buurthuis", "Ochtendspreekuur"]

    def test_nothing_is_open_on_a_public_holiday_and_the_page_says_why(self, client, timetable):
        Schedule.objects.update(byday="MO,TU,WE,TH,FR,SA,SU")
        with time_machine.travel(CHRISTMAS, tick=False):
            response = client.get(URL, {"nu_open": "on"})
            without = client.get(URL)
        assert found(response) == []
        assert "Eerste kerstdag" in response.text
        assert len(found(without)) == 5

    def test_utc_midnight_is_already_the_next_day_in_amsterdam(self, client):
        night = ServiceFactory(name="Nachtopvang")
        hours(service=night, byday="WE", opens=(0, 0), closes=(2, 0))
        # Tuesday 23:30 UTC is Wednesday 00:30 in Amsterdam.
        with time_machine.travel(datetime.datetime(2026, 12, 8, 23, 30, tzinfo=datetime.UTC)):
            assert found(client.get(URL, {"nu_open": "on"})) == ["Nachtopvang"]


def placed(name, latitude, longitude):
    service = ServiceFactory(name=name)
    ServiceAtLocationFactory(
        service=service,
        location__latitude=f"{latitude:.6f}",
        location__longitude=f"{longitude:.6f}",
    )
    return service


class TestNearAPostcode:
    @pytest.fixture
    def spread(self, settings):
        settings.GEOCODER_BACKEND = "apps.core.geocoding.OfflineGeocoder"
        from apps.core.geocoding import locate_postcode

        here = locate_postcode("3811 AB")
        placed("Om de hoek", here.latitude + 0.002, here.longitude)
        placed("In de wijk", here.latitude + 0.02, here.longitude + 0.02)
        placed("In Utrecht", 52.0907, 5.1214)
        ServiceFactory(name="Zonder plek")
        return here

    def test_nearest_first_within_the_distance(self, client, spread):
        response = client.get(URL, {"postcode": "3811ab", "afstand": "5"})
        assert found(response) == ["Om de hoek", "In de wijk"]
        assert "(dichtstbij eerst)" in response.text
        assert "0,2 km" in response.text
        wider = client.get(URL, {"postcode": "3811 AB", "afstand": "25"})
        assert found(wider) == ["Om de hoek", "In de wijk", "In Utrecht"]

    def test_with_words_still_nearest_first(self, client, spread):
        response = client.get(URL, {"postcode": "3811 AB", "afstand": "25", "q": "wijk"})
        assert found(response) == ["In de wijk"]

    @pytest.mark.parametrize(
        ("postcode", "message"),
        [("12345", "postcode"), ("9999 ZZ", "niet vinden"), ("<script>", "postcode")],
    )
    def test_a_postcode_we_cannot_use_is_left_out_with_a_message(
        self, client, spread, postcode, message
    ):
        response = client.get(URL, {"postcode": postcode})
        assert response.status_code == 200
        assert message in response.text
        assert len(found(response)) == 4

    def test_an_unknown_distance_is_refused_and_left_out(self, client, spread):
        response = client.get(URL, {"postcode": "3811 AB", "afstand": "1000"})
        assert "Binnen" in response.text
        assert found(response)[0] == "Om de hoek"


class TestTheMap:
    def map_data(self, response):
        block = re.search(
            r'<script id="service-map-data" type="application/json">(.*?)</script>',
            response.text,
            re.S,
        )
        return json.loads(block.group(1)) if block else None

    def test_a_flag_for_each_result_of_the_page_that_has_a_place(self, client):
        service = placed("Formulierenhulp", 52.1561, 5.3878)
        ServiceFactory(name="Formulierenhulp online")
        data = self.map_data(client.get(URL, {"q": "Formulierenhulp"}))
        assert data["points"] == [
            {
                "label": "Formulierenhulp",
                "theme": "",
                "slot": 0,
                "symbol": "?",
                "lat": 52.1561,
                "lon": 5.3878,
                "url": f"/sociale-kaart/{service.pk}/",
            }
        ]
        assert data["labels"]["open"] == "Open de pagina"

    def test_no_map_without_places(self, client):
        ServiceFactory(name="Alleen online")
        Location.objects.all().delete()
        assert self.map_data(client.get(URL)) is None

    def test_the_query_count_does_not_grow_with_the_results(
        self, client, django_assert_max_num_queries
    ):
        for number in range(3):
            placed(f"Hulp {number}", 52.15 + number / 100, 5.38)
        with django_assert_max_num_queries(8) as few:
            client.get(URL, {"nu_open": "on", "postcode": "3811 AB", "afstand": "25"})
        for number in range(20):
            placed(f"Meer hulp {number}", 52.15 + number / 1000, 5.38)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(URL, {"nu_open": "on", "postcode": "3811 AB", "afstand": "25"})
