"""The geocoder adapter: PDOK Locatieserver (its HTTP call mocked: no network in tests) and
the offline double."""

import io
import json
from http.client import IncompleteRead
from pathlib import Path
from unittest import mock
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, urlsplit

import pytest

from apps.core import geocoding
from apps.core.geocoding import Coordinates, OfflineGeocoder, PdokLocatieserver

# An answer of the Locatieserver's free search for an address (Koolmees 1, 3435 RA
# Nieuwegein, public BAG data), with every field the service returns for type:adres.
PDOK_ANSWER = (Path(__file__).parent / "data" / "pdok_locatieserver_adres.json").read_bytes()
KOOLMEES_1 = Coordinates(latitude=52.0266669, longitude=5.07000962)


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def urlopen():
    with mock.patch.object(geocoding, "urlopen") as patched:
        patched.return_value = FakeResponse(PDOK_ANSWER)
        yield patched


def pdok_answer(**doc_changes):
    payload = json.loads(PDOK_ANSWER)
    payload["response"]["docs"][0].update(doc_changes)
    return payload


class TestNormaliseAddress:
    @pytest.mark.parametrize(
        ("postcode", "house_number", "expected"),
        [
            ("3435 RA", "1", ("3435RA", "1")),
            ("3435ra", " 1 ", ("3435RA", "1")),
            ("3511 AA", "20a", ("3511AA", "20 A")),
            ("3511AA", "20-2", ("3511AA", "20 2")),
            ("3511AA", "20 bis", ("3511AA", "20 BIS")),
        ],
    )
    def test_accepts_the_ways_people_write_an_address(self, postcode, house_number, expected):
        assert geocoding.normalise_address(postcode, house_number) == expected

    @pytest.mark.parametrize(
        ("postcode", "house_number"),
        [
            ("", "1"),
            ("3435RA", ""),
            ("0435RA", "1"),
            ("3435R", "1"),
            ("3435 RA; DROP", "1"),
            ("3435RA", "0"),
            ("3435RA", "een"),
            ("3435RA", "1" * 20),
        ],
    )
    def test_refuses_what_cannot_be_an_address(self, postcode, house_number):
        assert geocoding.normalise_address(postcode, house_number) is None

    def test_an_impossible_address_is_not_looked_up(self, urlopen, settings):
        settings.GEOCODER_BACKEND = "apps.core.geocoding.PdokLocatieserver"
        assert geocoding.geocode("nonsense", "1") is None
        urlopen.assert_not_called()


class TestPdokLocatieserver:
    def test_reads_the_centroid_of_the_address(self, urlopen):
        assert PdokLocatieserver().geocode("3435RA", "1") == KOOLMEES_1

    def test_asks_for_exactly_that_address_with_a_timeout(self, urlopen, settings):
        settings.GEOCODER_TIMEOUT_SECONDS = 2.5
        PdokLocatieserver().geocode("3511AA", "20 A")

        request = urlopen.call_args.args[0]
        url = urlsplit(request.full_url)
        assert f"{url.scheme}://{url.netloc}{url.path}" == (
            "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
        )
        query = parse_qs(url.query)
        assert query["q"] == ["3511AA 20 A"]
        assert query["fq"] == ["type:adres", "postcode:3511AA", "huisnummer:20"]
        assert query["rows"] == ["1"]
        assert urlopen.call_args.kwargs["timeout"] == 2.5

    def test_the_setting_selects_pdok(self, urlopen, settings):
        settings.GEOCODER_BACKEND = "apps.core.geocoding.PdokLocatieserver"
        assert geocoding.geocode("3435 ra", "1") == KOOLMEES_1
        assert urlopen.called

    @pytest.mark.parametrize(
        ("payload", "reason"),
        [
            ({"response": {"numFound": 0, "start": 0, "docs": []}}, "no address"),
            (pdok_answer(postcode="3435RB"), "another postcode"),
            (pdok_answer(centroide_ll="POLYGON((5 52, 5.1 52, 5 52))"), "no point"),
            (pdok_answer(centroide_ll="POINT(52.0266669 5.07000962)"), "swapped"),
            (pdok_answer(centroide_ll="POINT(-68.27 12.15)"), "outside the Netherlands"),
            (pdok_answer(centroide_ll=None), "no centroid"),
            ({"error": "bad request"}, "unknown format"),
            ([], "unknown format"),
            ({"response": {"docs": ["adres"]}}, "unknown format"),
        ],
    )
    def test_an_answer_without_a_usable_point_gives_none(self, urlopen, payload, reason):
        urlopen.return_value = FakeResponse(json.dumps(payload).encode())
        assert PdokLocatieserver().geocode("3435RA", "1") is None, reason

    @pytest.mark.parametrize(
        "failure",
        [
            TimeoutError("timed out"),
            URLError(TimeoutError("timed out")),  # how urlopen reports a connect timeout
            URLError("Name or service not known"),
            HTTPError("https://api.pdok.nl", 503, "Service Unavailable", {}, None),
            ConnectionResetError(),
            IncompleteRead(b"{"),
        ],
    )
    def test_a_failing_service_gives_none_and_a_log_line(self, urlopen, caplog, failure):
        urlopen.side_effect = failure
        with caplog.at_level("WARNING", logger="apps.core.geocoding"):
            assert PdokLocatieserver().geocode("3435RA", "1") is None
        assert "PDOK Locatieserver did not answer" in caplog.text
        assert "3435" not in caplog.text  # the address is personal data

    @pytest.mark.parametrize("body", [b"<html>Bad gateway</html>", b"", b"\xff\xfe"])
    def test_an_answer_that_is_not_json_gives_none(self, urlopen, body):
        urlopen.return_value = FakeResponse(body)
        assert PdokLocatieserver().geocode("3435RA", "1") is None

    def test_an_oversized_answer_is_not_read_whole(self, urlopen):
        urlopen.return_value = FakeResponse(b" " * (PdokLocatieserver.MAX_RESPONSE_BYTES + 10))
        assert PdokLocatieserver().geocode("3435RA", "1") is None

    def test_only_https(self, urlopen):
        assert PdokLocatieserver(url="file:///etc/passwd").geocode("3435RA", "1") is None
        urlopen.assert_not_called()


class TestLocatePostcode:
    """'Near a postcode' on the social map: the middle of a postcode area."""

    POSTCODE_ANSWER = {
        "response": {
            "numFound": 1,
            "docs": [
                {
                    "type": "postcode",
                    "postcode": "3435RA",
                    "centroide_ll": "POINT(5.07012 52.02689)",
                }
            ],
        }
    }

    def test_asks_pdok_for_the_postcode_area(self, urlopen, settings):
        settings.GEOCODER_BACKEND = "apps.core.geocoding.PdokLocatieserver"
        urlopen.return_value = FakeResponse(json.dumps(self.POSTCODE_ANSWER).encode())
        assert geocoding.locate_postcode("3435 ra") == Coordinates(52.02689, 5.07012)
        query = parse_qs(urlsplit(urlopen.call_args.args[0].full_url).query)
        assert query["fq"] == ["type:postcode", "postcode:3435RA"]

    def test_a_failing_service_gives_none(self, urlopen, settings):
        settings.GEOCODER_BACKEND = "apps.core.geocoding.PdokLocatieserver"
        urlopen.side_effect = URLError("down")
        assert geocoding.locate_postcode("3435RA") is None

    @pytest.mark.parametrize("postcode", ["", "12345", "<script>", "0123 AB"])
    def test_what_is_not_a_postcode_is_not_looked_up(self, urlopen, settings, postcode):
        settings.GEOCODER_BACKEND = "apps.core.geocoding.PdokLocatieserver"
        assert geocoding.locate_postcode(postcode) is None
        urlopen.assert_not_called()

    def test_the_offline_double_places_a_postcode_near_its_town(self):
        point = OfflineGeocoder().locate_postcode("3811AB")
        assert abs(point.latitude - 52.1561) < 0.01
        assert OfflineGeocoder().locate_postcode("3811AB") == point
        assert OfflineGeocoder().locate_postcode("9999AA") is None


class TestOfflineGeocoder:
    def test_tests_and_development_use_the_offline_double(self, settings):
        assert settings.GEOCODER_BACKEND == "apps.core.geocoding.OfflineGeocoder"
        assert isinstance(geocoding.get_geocoder(), OfflineGeocoder)

    def test_the_same_address_always_gets_the_same_point(self):
        first = geocoding.geocode("3811 AB", "12")
        assert first == geocoding.geocode("3811ab", "12")
        assert first != geocoding.geocode("3811 AB", "14")

    @pytest.mark.parametrize(
        ("postcode", "town"),
        [("3811 AB", (52.1561, 5.3878)), ("1012 JS", (52.3702, 4.8952)), ("9711 LM", None)],
    )
    def test_a_point_near_the_town_of_the_postcode_area(self, postcode, town):
        point = geocoding.geocode(postcode, "1")
        assert point.is_in_the_netherlands()
        if town:
            assert abs(point.latitude - town[0]) <= 0.01
            assert abs(point.longitude - town[1]) <= 0.015

    def test_every_postcode_area_lands_in_the_netherlands(self):
        for area in range(10, 99):
            point = geocoding.geocode(f"{area}00 AA", "1")
            assert point is not None and point.is_in_the_netherlands(), area

    def test_postcode_area_9999_is_not_found(self):
        assert geocoding.geocode("9999 ZZ", "1") is None
