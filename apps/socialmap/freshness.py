"""Freshness by design: every service is confirmed by a person, or residents are told it is
not, and in the end no longer find it.

Once a day (the beat task `ask_providers_to_confirm`) `providers_ask()`:
1. asks the owner contact of each service not confirmed for SOCIALMAP_CONFIRM_AFTER_DAYS,
   by e-mail with a signed link to a new round (a `VerificationRequest`);
2. reminds them every SOCIALMAP_REMINDER_INTERVAL_DAYS, SOCIALMAP_REMINDERS times, each
   time with a new link that works SOCIALMAP_LINK_VALID_DAYS;
3. marks a service unconfirmed once its round's last reminder went unanswered (a service
   without anyone to ask, once its confirmation is that much overdue);
4. closes a round whose link expired unanswered, so that the next run asks again;
5. hides a service that stayed unconfirmed SOCIALMAP_HIDE_AFTER_DAYS from residents.

Through the link, without an account, the provider confirms (`service_confirm`) or
proposes changes (`change_propose`), which wait for a staff editor (`proposal_accept`,
`proposal_reject`). A link works once: the answer closes its round.
"""

import datetime
import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.validators import format_phone, normalise_postcode
from apps.socialmap.models import (
    Location,
    Phone,
    ProposedChange,
    Schedule,
    Service,
    ServiceAtLocation,
    VerificationRequest,
)

logger = logging.getLogger(__name__)

LINK_SALT = "socialmap.verification"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# What a provider may propose to change, in the order the form and the diff show it.
PROPOSABLE = (
    "name",
    "summary",
    "description",
    "application_process",
    "url",
    "email",
    "phone",
    "address_1",
    "postal_code",
    "city",
    *(f"hours_{day.lower()}" for day in DAYS),
)
TIME_RANGE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-\u2013]\s*(\d{1,2})[:.](\d{2})\s*$")


class LinkRefused(Exception):
    """A verification link that is forged, expired or used; `message` says which."""

    def __init__(self, message, *, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


# --- The daily round ---------------------------------------------------------------------


def providers_ask(*, now: datetime.datetime | None = None) -> Counter:
    """One day's asking, reminding, marking and hiding; counts of each, for the log."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    interval = datetime.timedelta(days=settings.SOCIALMAP_REMINDER_INTERVAL_DAYS)
    counts = Counter(dict.fromkeys(("asked", "reminded", "unconfirmed", "expired", "hidden"), 0))
    open_rounds = VerificationRequest.objects.filter(closed_at__isnull=True)

    reminders_done = open_rounds.filter(
        reminders_sent__gte=settings.SOCIALMAP_REMINDERS, last_mailed_at__lte=now - interval
    )
    counts["unconfirmed"] = Service.objects.filter(
        Q(pk__in=reminders_done.values("service_id")) | _overdue_without_anyone_to_ask(today),
        unconfirmed_since__isnull=True,
    ).update(unconfirmed_since=today)

    counts["expired"] = open_rounds.filter(expires_at__lte=now).update(
        closed_at=now, answer=VerificationRequest.Answer.NO_ANSWER
    )

    for request in open_rounds.filter(
        reminders_sent__lt=settings.SOCIALMAP_REMINDERS, last_mailed_at__lte=now - interval
    ).select_related("service"):
        counts["reminded"] += _mail_again(request, now=now)

    for service in _due(today).select_related("owner"):
        counts["asked"] += _round_start(service, now=now)

    counts["hidden"] = Service.objects.filter(
        unconfirmed_since__lte=today - datetime.timedelta(days=settings.SOCIALMAP_HIDE_AFTER_DAYS),
        hidden_since__isnull=True,
    ).update(hidden_since=today)
    return counts


def _confirmation_overdue(today: datetime.date) -> Q:
    due_before = today - datetime.timedelta(days=settings.SOCIALMAP_CONFIRM_AFTER_DAYS)
    return Q(assured_date__isnull=True) | Q(assured_date__lte=due_before)


def _due(today: datetime.date):
    """Services to ask now: running, overdue, with an owner to mail, and neither a round
    nor a proposal under way."""
    return (
        Service.objects.exclude(status=Service.Status.DEFUNCT)
        .filter(_confirmation_overdue(today), owner__isnull=False)
        .exclude(owner__email="")
        .exclude(
            Exists(
                VerificationRequest.objects.filter(service=OuterRef("pk"), closed_at__isnull=True)
            )
        )
        .exclude(
            Exists(
                ProposedChange.objects.filter(
                    service=OuterRef("pk"), state=ProposedChange.State.PENDING
                )
            )
        )
        .order_by("assured_date", "id")
    )


def _overdue_without_anyone_to_ask(today: datetime.date) -> Q:
    """Nobody can be asked: unconfirmed once it is as overdue as an unanswered round."""
    grace = datetime.timedelta(
        days=settings.SOCIALMAP_REMINDER_INTERVAL_DAYS * (settings.SOCIALMAP_REMINDERS + 1)
    )
    due_before = today - datetime.timedelta(days=settings.SOCIALMAP_CONFIRM_AFTER_DAYS) - grace
    nobody = Q(owner__isnull=True) | Q(owner__email="")
    return (
        nobody
        & ~Q(status=Service.Status.DEFUNCT)
        & (Q(assured_date__isnull=True) | Q(assured_date__lte=due_before))
    )


def _round_start(service: Service, *, now) -> int:
    try:
        with transaction.atomic():
            request = VerificationRequest.objects.create(
                service=service,
                email=service.owner.email,
                last_mailed_at=now,
                expires_at=now + datetime.timedelta(days=settings.SOCIALMAP_LINK_VALID_DAYS),
            )
            _mail(request, reminder=False)
    except IntegrityError:
        # Another run opened a round for this service first.
        return 0
    except OSError as error:
        # The mail server did not take it: no round, so the next run asks again.
        logger.warning("Request to confirm a service not sent: %s", type(error).__name__)
        return 0
    return 1


def _mail_again(request: VerificationRequest, *, now) -> int:
    try:
        with transaction.atomic():
            updated = VerificationRequest.objects.filter(
                pk=request.pk, closed_at__isnull=True, reminders_sent=request.reminders_sent
            ).update(
                reminders_sent=request.reminders_sent + 1,
                last_mailed_at=now,
                expires_at=now + datetime.timedelta(days=settings.SOCIALMAP_LINK_VALID_DAYS),
            )
            if not updated:
                return 0
            _mail(request, reminder=True)
    except OSError as error:
        logger.warning("Reminder to confirm a service not sent: %s", type(error).__name__)
        return 0
    return 1


def _mail(request: VerificationRequest, *, reminder: bool) -> None:
    # A name from an imported file may hold a line break, which no e-mail subject may.
    name = " ".join(request.service.name.split())
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("Reminder: is the information about %(service)s still right?")
            if reminder
            else _("Is the information about %(service)s still right?")
        ) % {"service": name}
        body = _(
            "Hello,\n\n"
            "Residents and social workers find %(service)s on the social map of "
            "Buurtkompas. Is what we show still right? Please let us know through this "
            "link: with one click if it is, or propose what should change. You do not need "
            "an account.\n\n%(link)s\n\n"
            "The link works for %(days)s days and only once.\n\n"
            "If we hear nothing, residents will read that the information is not confirmed, "
            "and later they will no longer find it.\n\n"
            "Kind regards,\nBuurtkompas"
        ) % {
            "service": name,
            "link": link_to(request),
            "days": settings.SOCIALMAP_LINK_VALID_DAYS,
        }
    send_mail(subject, body, None, [request.email])


# --- The link ----------------------------------------------------------------------------


def link_to(request: VerificationRequest) -> str:
    token = signing.dumps(str(request.pk), salt=LINK_SALT)
    path = reverse("socialmap:verify", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def request_for_link(token: str) -> VerificationRequest:
    """The open round a link belongs to; LinkRefused for a link that was changed or made
    up, one that expired, and one whose round was answered or closed."""
    max_age = datetime.timedelta(days=settings.SOCIALMAP_LINK_VALID_DAYS)
    try:
        pk = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkRefused(_expired_message(), status=410) from None
    except signing.BadSignature:
        raise LinkRefused(
            gettext_lazy("This link is not right. Use the link from our e-mail, as it is."),
            status=400,
        ) from None
    request = (
        VerificationRequest.objects.filter(pk=pk).select_related("service__organization").first()
    )
    if request is None:
        raise LinkRefused(gettext_lazy("This link is not right."), status=400)
    if not request.is_open:
        raise LinkRefused(
            gettext_lazy(
                "This link was used already. Thank you: we have your answer. "
                "Something else to change? Mail us and we will send a new link."
            ),
            status=410,
        )
    if request.expires_at <= timezone.now():
        raise LinkRefused(_expired_message(), status=410)
    return request


def _expired_message():
    return gettext_lazy("This link has expired. We will send you a new one; you can also mail us.")


def _lock_open(request: VerificationRequest) -> VerificationRequest:
    """The round, locked; LinkRefused when it was answered in the meantime (a double
    click, two tabs)."""
    locked = VerificationRequest.objects.select_for_update().filter(pk=request.pk).first()
    if locked is None or not locked.is_open:
        raise LinkRefused(gettext_lazy("This link was used already."), status=410)
    return locked


# --- The provider's answer ---------------------------------------------------------------


@transaction.atomic
def service_confirm(*, request: VerificationRequest) -> None:
    """'Still right': the service is confirmed today by the round's addressee."""
    request = _lock_open(request)
    now = timezone.now()
    VerificationRequest.objects.filter(pk=request.pk).update(
        closed_at=now, answer=VerificationRequest.Answer.CONFIRMED
    )
    _mark_confirmed(request.service_id, by=request.email, on=timezone.localdate(now))


@transaction.atomic
def change_propose(*, request: VerificationRequest, values: dict, note: str) -> ProposedChange:
    """Keep what differs from the service as it is now, for an editor. `values` are the
    proposal form's cleaned values; nothing that differs and no note: a ValidationError."""
    request = _lock_open(request)
    service = Service.objects.get(pk=request.service_id)
    before = editable_values(service)
    changes = {
        field: values[field]
        for field in PROPOSABLE
        if field in values and values[field] != before[field]
    }
    if not changes and not note.strip():
        raise ValidationError(
            _("Nothing was changed. If everything is right, choose 'Everything is right'."),
            code="no_change",
        )
    request.closed_at = timezone.now()
    request.answer = VerificationRequest.Answer.CHANGES_PROPOSED
    request.save(update_fields=["closed_at", "answer"])
    return ProposedChange.objects.create(
        service=service,
        request=request,
        proposed_by=request.email,
        before=before,
        changes=changes,
        note=note.strip(),
    )


def _mark_confirmed(service_id, *, by: str, on: datetime.date) -> None:
    Service.objects.filter(pk=service_id).update(
        assured_date=on, assurer_email=by, unconfirmed_since=None, hidden_since=None
    )


# --- What a provider can change ----------------------------------------------------------


def editable_values(service: Service) -> dict:
    """The service as the proposal form shows it: its fields, its first phone number, the
    address of its first place and its weekly hours (_hours_owner says whose), one line
    per weekday such as '09:00-12:00, 13:00-17:00'."""
    phone = service.phones.order_by("id").first()
    place = _first_place(service)
    location = place.location if place else None
    values = {
        "name": service.name,
        "summary": service.summary,
        "description": service.description,
        "application_process": service.application_process,
        "url": service.url,
        "email": service.email,
        "phone": format_phone(phone.number) if phone else "",
        "address_1": location.address_1 if location else "",
        "postal_code": location.postal_code if location else "",
        "city": location.city if location else "",
    }
    ranges = {day: [] for day in DAYS}
    for schedule in _weekly_schedules(service, place):
        for day in schedule.byday.split(","):
            if day in ranges:
                ranges[day].append((schedule.opens_at, schedule.closes_at))
    for day in DAYS:
        values[f"hours_{day.lower()}"] = ", ".join(
            f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in sorted(ranges[day])
        )
    return values


def hours_parse(text: str) -> list[tuple[datetime.time, datetime.time]]:
    """'9:00-12:30, 13.00-17:00' → [(09:00, 12:30), (13:00, 17:00)]; a ValidationError
    that says what is wrong. Empty: closed that day."""
    ranges = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        match = TIME_RANGE.match(part)
        if match is None:
            raise ValidationError(
                _("Write the hours as 09:00-12:30; more than one with a comma in between."),
                code="hours_format",
            )
        hours = [int(number) for number in match.groups()]
        try:
            opens = datetime.time(hours[0], hours[1])
            closes = datetime.time(hours[2], hours[3])
        except ValueError:
            raise ValidationError(
                _("%(part)s is not a time of day.") % {"part": part}, code="hours_time"
            ) from None
        if opens >= closes:
            raise ValidationError(
                _("%(part)s: the opening time must come before the closing time.") % {"part": part},
                code="hours_order",
            )
        ranges.append((opens, closes))
    ranges.sort()
    for (_opens, closes), (next_opens, _closes) in itertools.pairwise(ranges):
        if next_opens < closes:
            raise ValidationError(_("The hours overlap."), code="hours_overlap")
    return ranges


def hours_text(ranges) -> str:
    return ", ".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in ranges)


def _first_place(service: Service) -> ServiceAtLocation | None:
    return service.service_at_locations.select_related("location").order_by("id").first()


def _hours_owner(service: Service, place: ServiceAtLocation | None) -> dict:
    """Whose weekly hours the form shows and changes: the service's own when it has any
    (they hold wherever it is offered), else those of its first place."""
    own = {"service": service}
    if place is None or _weekly(own).exists():
        return own
    return {"service_at_location": place}


def _weekly(owner: dict):
    return Schedule.objects.filter(**owner, valid_from__isnull=True, valid_to__isnull=True)


def _weekly_schedules(service: Service, place: ServiceAtLocation | None):
    return _weekly(_hours_owner(service, place))


# --- The editor's decision ---------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    field: str
    label: str
    before: str
    after: str


FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "summary": gettext_lazy("Summary"),
    "description": gettext_lazy("Description"),
    "application_process": gettext_lazy("How to get it"),
    "url": gettext_lazy("Website"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Phone"),
    "address_1": gettext_lazy("Street and number"),
    "postal_code": gettext_lazy("Postcode"),
    "city": gettext_lazy("Place"),
    "hours_mo": gettext_lazy("Monday"),
    "hours_tu": gettext_lazy("Tuesday"),
    "hours_we": gettext_lazy("Wednesday"),
    "hours_th": gettext_lazy("Thursday"),
    "hours_fr": gettext_lazy("Friday"),
    "hours_sa": gettext_lazy("Saturday"),
    "hours_su": gettext_lazy("Sunday"),
}


def proposal_diff(proposal: ProposedChange) -> list[DiffLine]:
    """What the provider changed: each field with what it said and what they propose."""
    # In the form's order: PostgreSQL keeps a JSON object's keys in an order of its own.
    return [
        DiffLine(
            field, str(FIELD_LABELS[field]), proposal.before.get(field, ""), proposal.changes[field]
        )
        for field in PROPOSABLE
        if field in proposal.changes
    ]


def _lock_pending(proposal: ProposedChange) -> ProposedChange:
    locked = ProposedChange.objects.select_for_update().filter(pk=proposal.pk).first()
    if locked is None or locked.state != ProposedChange.State.PENDING:
        raise ValidationError(_("This proposal was already decided."), code="decided")
    return locked


@transaction.atomic
def proposal_accept(*, proposal: ProposedChange, actor, note: str = "") -> None:
    """Take the proposed values over into the service, its first phone, place and hours;
    the service counts as confirmed by the provider on the day they proposed it."""
    proposal = _lock_pending(proposal)
    service = Service.objects.select_for_update().get(pk=proposal.service_id)
    changes = proposal.changes
    fields = [
        field
        for field in ("name", "summary", "description", "application_process", "url", "email")
        if field in changes
    ]
    for field in fields:
        setattr(service, field, changes[field])
    if fields:
        service.full_clean(exclude=["owner", "organization"])
        service.save(update_fields=[*fields, "updated_at"])
    if "phone" in changes:
        _phone_apply(service, changes["phone"])
    place = _first_place(service)
    if {"address_1", "postal_code", "city"} & changes.keys():
        place = _address_apply(service, place, changes)
    if any(key.startswith("hours_") for key in changes):
        _hours_apply(service, place, proposal.before | changes)
    proposal.state = ProposedChange.State.ACCEPTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note.strip()
    proposal.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _mark_confirmed(
        service.pk, by=proposal.proposed_by, on=timezone.localdate(proposal.submitted_at)
    )


@transaction.atomic
def proposal_reject(*, proposal: ProposedChange, actor, note: str) -> None:
    """Leave the service as it is. The service stays unconfirmed: the next daily run asks
    its provider again. The editor says why, for the provider and for colleagues."""
    if not note.strip():
        raise ValidationError(
            {"note": _("Say why, so that the provider and your colleagues know.")},
            code="reason_required",
        )
    proposal = _lock_pending(proposal)
    proposal.state = ProposedChange.State.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note.strip()
    proposal.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


def _phone_apply(service: Service, number: str) -> None:
    phone = service.phones.order_by("id").first()
    if not number:
        if phone is not None:
            phone.delete()
        return
    if phone is None:
        Phone.objects.create(service=service, number=number)
    else:
        phone.number = number
        phone.save(update_fields=["number"])


def _address_apply(service, place, changes) -> ServiceAtLocation:
    if place is None:
        location = Location.objects.create(
            organization_id=service.organization_id, name=service.organization.name
        )
        place = ServiceAtLocation.objects.create(service=service, location=location)
    location = place.location
    for field in ("address_1", "city"):
        if field in changes:
            setattr(location, field, changes[field])
    if "postal_code" in changes:
        location.postal_code = normalise_postcode(changes["postal_code"])
    location.save()
    return place


def _hours_apply(service, place, values: dict) -> None:
    """Replace the weekly hours by the proposed ones: a schedule per opening time, with
    the days it applies to."""
    days_of = {}
    for day in DAYS:
        for opens, closes in hours_parse(values.get(f"hours_{day.lower()}", "")):
            days_of.setdefault((opens, closes), []).append(day)
    owner = _hours_owner(service, place)
    _weekly(owner).delete()
    Schedule.objects.bulk_create(
        Schedule(**owner, byday=",".join(days), opens_at=opens, closes_at=closes)
        for (opens, closes), days in sorted(days_of.items())
    )
