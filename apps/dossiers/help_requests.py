"""Asking for help online: every form that lets a resident send a request for help to a
team's intake queue (the portal's help form, "I would like to talk about this" after a
self-scan) sends it through `help_request_send`.

- A one-time token per form: a double click or the back button sends one request.
- A limit per address and hour: enough for a family on one connection, too few to fill
  a team's queue. Only requests that were really sent count, not ones with typing errors.
  The address comes from the request context.

Which team: `help_team_for` finds it from the resident's postcode (the team of the nearest
district), or from the theme when the postcode lies outside our area: never from a list of
internal team names.

Tokens are claimed and requests counted in the shared cache, so the rules hold across web
processes (with the local-memory cache of the embedded default, per process). When that
cache (Redis) cannot be reached nothing is sent (code "unavailable"): a double click or a
flood could not be told from a request, and the resident keeps the form with what they
typed and a message to try again later. Once sent, a request stays sent: a count the
cache could not take is lost, not the request.
"""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from apps.core import request_context
from apps.core.cache import CACHE_ERRORS
from apps.core.forms import add_service_errors
from apps.core.geocoding import locate_postcode
from apps.dossiers.models import Dossier, IntakeRequest
from apps.organisation.models import Neighbourhood, Team

logger = logging.getLogger(__name__)

REQUESTS_PER_HOUR = 5
TOKENS_KEY = "help_request_tokens"
# Forms a resident may have open at once (several tabs) and still send.
TOKENS_KEPT = 20
TOKEN_SECONDS = 24 * 60 * 60


# A postcode further than this from the middle of every district we work in lies outside
# our area.
AREA_KILOMETRES = 5
KM_PER_DEGREE = 111.2
# Which teams know most about a theme, best first; any neighbourhood team after them.
SPECIALISMS_FOR_THEME = {
    "geldzaken-regelgeving": [Team.Specialism.DEBT],
    "ouder-worden-mantelzorg": [Team.Specialism.ELDERLY, Team.Specialism.INFORMAL_CARE],
    "huiselijke-relaties-opvoeding": [Team.Specialism.YOUTH],
    "burgerinitiatieven-gemeenschap": [Team.Specialism.COMMUNITY],
    "vrijwillige-inzet": [Team.Specialism.COMMUNITY],
    "vervoer-woonomgeving": [Team.Specialism.COMMUNITY, Team.Specialism.WMO],
    "gezondheid-zorg": [Team.Specialism.WMO],
    "huisvesting-wonen": [Team.Specialism.WMO],
}


@dataclass(frozen=True)
class HelpTeam:
    team: Team
    # False when the postcode lies outside our area and the theme chose the team.
    in_area: bool


def help_team_for(*, postcode: str, theme, resident=None) -> HelpTeam | None:
    """The team that takes a resident's request: the team of their open dossier when they
    have one; else among the teams of the district nearest to their postcode the one that
    knows most about the theme; outside our area, such a team anywhere, the one with the
    shortest queue. None only when there is no team at all."""
    if resident is not None and resident.is_authenticated:
        own = (
            Dossier.objects.open()
            .filter(client__account=resident)
            .select_related("team")
            .order_by("-started_on", "-pk")
            .first()
        )
        if own is not None:
            return HelpTeam(team=own.team, in_area=True)
    point = locate_postcode(postcode) if postcode else None
    district = _nearest_district(point.latitude, point.longitude) if point else None
    if district is not None:
        team = _best_for_theme(Team.objects.filter(neighbourhoods=district), theme)
        if team is not None:
            return HelpTeam(team=team, in_area=True)
    team = _best_for_theme(
        Team.objects.annotate(
            waiting=Count("intake", filter=Q(intake__status=IntakeRequest.Status.NEW))
        ).order_by("waiting", "pk"),
        theme,
    )
    return HelpTeam(team=team, in_area=False) if team is not None else None


def _nearest_district(latitude: float, longitude: float) -> Neighbourhood | None:
    # On the scale of a region the earth is flat: a degree of longitude is shorter by the
    # cosine of the latitude.
    east = KM_PER_DEGREE * math.cos(math.radians(latitude))
    north_km = (F("centroid_latitude") - latitude) * KM_PER_DEGREE
    east_km = (F("centroid_longitude") - longitude) * east
    nearest = (
        Neighbourhood.objects.filter(teams__isnull=False)
        .annotate(squared=north_km * north_km + east_km * east_km)
        .filter(squared__lte=AREA_KILOMETRES * AREA_KILOMETRES)
        .order_by("squared", "pk")
        .first()
    )
    return nearest


def _best_for_theme(teams, theme) -> Team | None:
    specialisms = SPECIALISMS_FOR_THEME.get(theme.code, []) if theme is not None else []
    for specialism in [*specialisms, Team.Specialism.SOCIAL_WORK]:
        team = teams.filter(specialism=specialism).first()
        if team is not None:
            return team
    return teams.first()


# What a refused request answers: too many from this address, or the shared cache that
# guards sending is down (the form keeps what was typed).
REFUSED_STATUS = {"too_many": 429, "unavailable": 503}


class AlreadySent(Exception):
    """This form was sent before (a double click, the back button): nothing new is sent."""


def help_request_token_issue(*, session) -> str:
    """A one-time token for a form that is about to be shown."""
    token = get_random_string(22)
    session[TOKENS_KEY] = [*session.get(TOKENS_KEY, [])[-(TOKENS_KEPT - 1) :], token]
    return token


def help_request_send[Sent](*, session, token, send: Callable[[], Sent]) -> Sent:
    """Send a request for help from a form that passed its own checks: `send` stores it
    and raises ValidationError on input it refuses (the form may then be sent again).

    Raises AlreadySent when this token went out before, and ValidationError when this
    session never got the token (an old tab, a lost session; code "expired") or the
    address sent its share this hour (code "too_many")."""
    if not isinstance(token, str) or token not in session.get(TOKENS_KEY, []):
        raise ValidationError(_("This form had expired. Please send it again."), code="expired")
    rate_key = _rate_key(request_context.current().ip_address)
    try:
        if cache.get(_token_key(token)):
            raise AlreadySent
        if (cache.get(rate_key) or 0) >= REQUESTS_PER_HOUR:
            raise ValidationError(
                _("Many requests came from this address. Please try again in an hour."),
                code="too_many",
            )
        # Of two requests with this token at the same moment, only one gets it.
        if not cache.add(_token_key(token), 1, TOKEN_SECONDS):
            raise AlreadySent
    except CACHE_ERRORS as error:
        logger.error("Cache unavailable: a request for help was not sent (%r)", error)
        raise ValidationError(
            _(
                "Sending does not work at the moment. What you filled in is still here: "
                "try again in a few minutes."
            ),
            code="unavailable",
        ) from error
    try:
        sent = send()
    except ValidationError:
        _forget(_token_key(token))
        raise
    _count(rate_key)
    return sent


def help_request_send_form(*, session, token, form, send: Callable[[], IntakeRequest]) -> int:
    """What every form for help does on "send", once the form itself is valid: send it once,
    remember its reference for the confirmation, and on refusal put the reasons on the form.
    Gives 0 when sent (now or before: a double click), else the status of the page that
    shows the form again."""
    try:
        intake = help_request_send(session=session, token=token, send=send)
    except AlreadySent:
        return 0
    except ValidationError as error:
        add_service_errors(form, error)
        return REFUSED_STATUS.get(getattr(error, "code", None), 400)
    help_request_remember(session=session, intake=intake)
    return 0


SENT_KEY = "help_request_sent"


def help_request_remember(*, session, intake) -> None:
    """The reference of the request just sent, for the page that confirms it (and shows it
    again on reload: the request is not sent twice)."""
    session[SENT_KEY] = intake.reference


def help_request_remembered(*, session) -> str | None:
    return session.get(SENT_KEY)


def _token_key(token: str) -> str:
    return f"help-request:once:{token}"


def _rate_key(address: str | None) -> str:
    return f"help-request:rate:{address or 'unknown'}:{timezone.now():%Y%m%d%H}"


def _forget(token_key: str) -> None:
    try:
        cache.delete(token_key)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: a refused request's token stays used")


def _count(rate_key: str) -> None:
    try:
        cache.add(rate_key, 0, timeout=3600)
        try:
            cache.incr(rate_key)
        except ValueError:  # expired between add and incr
            cache.add(rate_key, 1, timeout=3600)
    except CACHE_ERRORS:
        logger.warning("Cache unavailable: a sent request for help was not counted")
