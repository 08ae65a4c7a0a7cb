"""Dutch addresses (postcode and house number) to coordinates, behind one small interface.

`geocode()` asks the geocoder that GEOCODER_BACKEND names: `PdokLocatieserver` in
production, `OfflineGeocoder` in development and tests. A geocoder never raises: an
address it cannot place, an unreachable service or an answer it does not understand all
give None, and the failure is logged (without the address: that is personal data).
"""

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from http.client import HTTPException
from typing import Protocol
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils.module_loading import import_string

from apps.core.validators import parse_house_number, parse_postcode

logger = logging.getLogger(__name__)


# The European Netherlands with a margin (the same bounds the coordinate fields accept).
LATITUDE_RANGE = (50.6, 53.7)
LONGITUDE_RANGE = (3.2, 7.3)


@dataclass(frozen=True)
class Coordinates:
    latitude: float
    longitude: float

    def is_in_the_netherlands(self) -> bool:
        return (
            LATITUDE_RANGE[0] <= self.latitude <= LATITUDE_RANGE[1]
            and LONGITUDE_RANGE[0] <= self.longitude <= LONGITUDE_RANGE[1]
        )


class Geocoder(Protocol):
    def geocode(self, postcode: str, house_number: str) -> Coordinates | None:
        """`postcode` as '3811AB', `house_number` as '12' or '12 A' (see normalise_address)."""

    def locate_postcode(self, postcode: str) -> Coordinates | None:
        """The middle of a postcode area, `postcode` as '3811AB'."""


def normalise_address(postcode: str, house_number: str) -> tuple[str, str] | None:
    """('3811 ab', ' 12-a ') -> ('3811AB', '12 A'); None when either cannot be an address
    (by the rules of apps.core.validators)."""
    parsed_postcode = parse_postcode(postcode or "")
    parsed_number = parse_house_number(house_number or "")
    if parsed_postcode is None or parsed_number is None:
        return None
    return parsed_postcode.compact, " ".join(parsed_number.parts)


def get_geocoder() -> Geocoder:
    return import_string(settings.GEOCODER_BACKEND)()


def geocode(postcode: str, house_number: str) -> Coordinates | None:
    """Where the address lies, or None (not an address, not found, or the service failed)."""
    address = normalise_address(postcode, house_number)
    if address is None:
        return None
    return get_geocoder().geocode(*address)


def locate_postcode(postcode: str) -> Coordinates | None:
    """Where a postcode lies ('3811 ab'), or None (not a postcode, not found, or the service
    failed): for "near me" without asking for a whole address."""
    parsed = parse_postcode(postcode or "")
    if parsed is None:
        return None
    return get_geocoder().locate_postcode(parsed.compact)


class PdokLocatieserver:
    """PDOK Locatieserver (free search, v3.1): public, no key, addresses from the BAG.

    https://api.pdok.nl/bzk/locatieserver/search/v3_1/free?q=3811AB 12&fq=type:adres
    answers with documents whose `centroide_ll` is "POINT(longitude latitude)" in WGS84.
    """

    MAX_RESPONSE_BYTES = 256 * 1024
    POINT_PATTERN = re.compile(r"^POINT\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)$")

    def __init__(self, *, url: str | None = None, timeout: float | None = None):
        self.url = url or settings.GEOCODER_PDOK_URL
        self.timeout = timeout if timeout is not None else settings.GEOCODER_TIMEOUT_SECONDS

    def geocode(self, postcode: str, house_number: str) -> Coordinates | None:
        try:
            payload = self._search(postcode, house_number)
        except (OSError, HTTPException, ValueError) as error:
            # OSError covers URLError, HTTPError, refused connections and timeouts.
            logger.warning("PDOK Locatieserver did not answer: %s", type(error).__name__)
            return None
        return self.parse(payload, postcode=postcode)

    def locate_postcode(self, postcode: str) -> Coordinates | None:
        query = [
            ("q", postcode),
            ("fq", "type:postcode"),
            ("fq", f"postcode:{postcode}"),
            ("fl", "centroide_ll,postcode"),
            ("rows", "1"),
        ]
        try:
            payload = self._get(query)
        except (OSError, HTTPException, ValueError) as error:
            logger.warning("PDOK Locatieserver did not answer: %s", type(error).__name__)
            return None
        return self.parse(payload, postcode=postcode)

    def _search(self, postcode: str, house_number: str) -> dict:
        # Filter on the exact postcode and number; the free text ranks a letter or addition.
        return self._get(
            [
                ("q", f"{postcode} {house_number}"),
                ("fq", "type:adres"),
                ("fq", f"postcode:{postcode}"),
                ("fq", f"huisnummer:{house_number.split()[0]}"),
                ("fl", "centroide_ll,postcode,huisnummer,huisletter,huisnummertoevoeging"),
                ("rows", "1"),
            ]
        )

    def _get(self, parameters: list[tuple[str, str]]) -> dict:
        query = urlencode(parameters)
        if not self.url.startswith("https://"):
            raise ValueError("GEOCODER_PDOK_URL must be an https:// address")
        # The scheme is checked above, so S310 (file: and other schemes) does not apply.
        request = Request(  # noqa: S310
            f"{self.url}?{query}",
            headers={"Accept": "application/json", "User-Agent": "Buurtkompas"},
        )
        with urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            body = response.read(self.MAX_RESPONSE_BYTES + 1)
        if len(body) > self.MAX_RESPONSE_BYTES:
            raise ValueError("answer too large")
        return json.loads(body)

    @classmethod
    def parse(cls, payload, *, postcode: str) -> Coordinates | None:
        """The first document's centroid (an address or a postcode area), if it is the
        postcode we asked for."""
        try:
            docs = payload["response"]["docs"]
        except (KeyError, TypeError):
            logger.warning("PDOK Locatieserver answered in an unknown format")
            return None
        if not docs:
            logger.info("PDOK Locatieserver found no address")
            return None
        doc = docs[0]
        if not isinstance(doc, dict):
            logger.warning("PDOK Locatieserver answered in an unknown format")
            return None
        found_postcode = str(doc.get("postcode", postcode)).replace(" ", "").upper()
        if found_postcode != postcode:
            logger.info("PDOK Locatieserver found only an address with another postcode")
            return None
        match = cls.POINT_PATTERN.match(str(doc.get("centroide_ll", "")).strip())
        if match is None:
            logger.warning("PDOK Locatieserver answered without a usable centroid")
            return None
        longitude, latitude = (float(value) for value in match.groups())
        coordinates = Coordinates(latitude=latitude, longitude=longitude)
        if not coordinates.is_in_the_netherlands():
            logger.warning("PDOK Locatieserver gave a point outside the Netherlands")
            return None
        return coordinates


class OfflineGeocoder:
    """A deterministic stand-in for development, demos and tests: no network at all.

    Dutch postcodes run roughly from west (1000, Amsterdam) to north-east (9999); the
    first two digits pick the nearest of the towns below, and a hash of the whole address
    places the point within about a kilometre of it, always the same point for the same
    address. Postcode area 9999 stands for "address not found".
    """

    NOT_FOUND_AREA = "9999"
    # First two postcode digits -> (latitude, longitude) of a town in that area.
    AREAS = {
        10: (52.3702, 4.8952),  # Amsterdam
        11: (52.3105, 4.9460),  # Amsterdam-Zuidoost
        13: (52.3702, 5.2141),  # Almere
        15: (52.4389, 4.8258),  # Zaandam
        17: (52.6650, 4.8300),  # Heerhugowaard
        20: (52.3812, 4.6370),  # Haarlem
        23: (52.1601, 4.4970),  # Leiden
        25: (52.0799, 4.3113),  # Den Haag
        28: (52.0116, 4.7105),  # Gouda
        30: (51.9225, 4.4792),  # Rotterdam
        33: (51.8133, 4.6901),  # Dordrecht
        35: (52.0907, 5.1214),  # Utrecht
        38: (52.1561, 5.3878),  # Amersfoort
        41: (51.9580, 5.2270),  # Culemborg
        46: (51.4950, 4.2870),  # Bergen op Zoom
        48: (51.5719, 4.7683),  # Breda
        50: (51.5555, 5.0913),  # Tilburg
        52: (51.6978, 5.3037),  # 's-Hertogenbosch
        56: (51.4416, 5.4697),  # Eindhoven
        59: (51.3704, 6.1724),  # Venlo
        62: (50.8514, 5.6910),  # Maastricht
        65: (51.8426, 5.8546),  # Nijmegen
        68: (51.9851, 5.8987),  # Arnhem
        73: (52.2112, 5.9699),  # Apeldoorn
        75: (52.2215, 6.8937),  # Enschede
        80: (52.5168, 6.0830),  # Zwolle
        84: (52.9600, 5.9200),  # Heerenveen
        89: (53.2012, 5.7999),  # Leeuwarden
        94: (52.9925, 6.5649),  # Assen
        97: (53.2194, 6.5665),  # Groningen
    }
    SPREAD = (0.009, 0.014)  # degrees latitude, longitude: about one kilometre

    def locate_postcode(self, postcode: str) -> Coordinates | None:
        return self.geocode(postcode, "")

    def geocode(self, postcode: str, house_number: str) -> Coordinates | None:
        if postcode.startswith(self.NOT_FOUND_AREA):
            return None
        area = int(postcode[:2])
        nearest = min(self.AREAS, key=lambda known: (abs(known - area), known))
        latitude, longitude = self.AREAS[nearest]
        digest = hashlib.sha256(f"{postcode} {house_number}".encode()).digest()
        north = int.from_bytes(digest[:4]) / 0xFFFFFFFF * 2 - 1
        east = int.from_bytes(digest[4:8]) / 0xFFFFFFFF * 2 - 1
        return Coordinates(
            latitude=round(latitude + north * self.SPREAD[0], 6),
            longitude=round(longitude + east * self.SPREAD[1], 6),
        )
