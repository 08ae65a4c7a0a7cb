"""Informal help: a resident asks for a buddy, a ride or help with paperwork; a volunteer
coordinator of the team near them matches one of the team's volunteers, who is told by an
e-mail without content and then sees only what they need: the resident's first name, what
and when, the postcode's area and a phone number."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts import policy
from apps.accounts.models import Role, User
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.core.outbox import enqueue_on_commit
from apps.dossiers.help_requests import help_team_for
from apps.organisation.models import Team, Theme
from apps.portal.models import InformalHelpRequest, VolunteerMatch

VOLUNTEERING = "vrijwillige-inzet"


@transaction.atomic
def informal_help_ask(
    *, actor, kind, description, when="", postcode, phone=""
) -> InformalHelpRequest:
    policy.require(actor, "portal.add_informalhelprequest")
    team = _team_with_a_coordinator(postcode)
    if team is None:
        raise ValidationError(
            _("Informal help cannot be asked online at the moment. Please call us.")
        )
    request = InformalHelpRequest(
        resident=actor,
        team=team,
        kind=kind,
        description=description.strip(),
        when=when.strip(),
        postcode=postcode,
        phone=phone,
    )
    request.full_clean(exclude=["team", "resident"])
    request.save()
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=request)
    return request


def _team_with_a_coordinator(postcode: str) -> Team | None:
    """The team near the postcode when it has a volunteer coordinator; else one that has,
    in the same municipality first."""
    coordinated = Team.objects.filter(
        memberships__coordinates_volunteers=True, memberships__user__is_active=True
    ).distinct()
    found = help_team_for(postcode=postcode, theme=Theme.objects.filter(code=VOLUNTEERING).first())
    if found is not None:
        if coordinated.filter(pk=found.team.pk).exists():
            return found.team
        nearby = coordinated.filter(municipality_id=found.team.municipality_id).order_by("pk")
        if nearby.exists():
            return nearby.first()
    return coordinated.order_by("pk").first()


def team_volunteers(request: InformalHelpRequest):
    return User.objects.filter(
        role=Role.VOLUNTEER, is_active=True, team_memberships__team_id=request.team_id
    ).order_by("first_name", "last_name", "pk")


@transaction.atomic
def volunteer_match(*, actor, request: InformalHelpRequest, volunteer, note="") -> VolunteerMatch:
    request = InformalHelpRequest.objects.select_for_update().get(pk=request.pk)
    policy.require(actor, "portal.add_volunteermatch", request)
    if request.status != InformalHelpRequest.Status.NEW:
        raise ValidationError(_("This request has a volunteer already, or it was closed."))
    if volunteer is None or not team_volunteers(request).filter(pk=volunteer.pk).exists():
        raise ValidationError({"volunteer": _("Choose one of the team's volunteers.")})
    match = VolunteerMatch.objects.create(
        request=request, volunteer=volunteer, matched_by=actor, note=note.strip()
    )
    request.status = InformalHelpRequest.Status.MATCHED
    request.save(update_fields=["status"])
    access_log_record(actor=actor, action=AccessLogEntry.Action.CREATE, obj=match)
    from apps.portal.tasks import mail_volunteer_match

    enqueue_on_commit(mail_volunteer_match, match.pk)
    return match


@transaction.atomic
def informal_help_close(*, actor, request: InformalHelpRequest) -> InformalHelpRequest:
    request = InformalHelpRequest.objects.select_for_update().get(pk=request.pk)
    policy.require(actor, "portal.add_volunteermatch", request)
    if request.status == InformalHelpRequest.Status.CLOSED:
        raise ValidationError(_("This request was closed already."))
    request.status = InformalHelpRequest.Status.CLOSED
    request.save(update_fields=["status"])
    VolunteerMatch.objects.filter(request=request, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    access_log_record(actor=actor, action=AccessLogEntry.Action.UPDATE, obj=request)
    return request


def match_mail(*, match_id: int) -> bool:
    match = VolunteerMatch.objects.select_related("volunteer").filter(pk=match_id).first()
    if match is None or match.ended_at or not (match.volunteer.is_active and match.volunteer.email):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            _("Someone would like your help"),
            _(
                "You are matched with a resident who asked for informal help. Log in to read "
                "what they would like and how to reach them:\n\n%(link)s"
            )
            % {"link": settings.SITE_URL.rstrip("/") + reverse("portal:volunteer_matches")},
            None,
            [match.volunteer.email],
        )
    return True
