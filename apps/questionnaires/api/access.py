"""Who may read which instrument, response and dossier through the API: the querysets
mirror the policy rules (apps.accounts.policy, last section), and every single record is
checked against the policy itself, with the read or the refusal in the access log."""

from django.db.models import Prefetch
from django.http import Http404

from apps.accounts import policy
from apps.accounts.api.permissions import PolicyPermission, refused
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_denied_record, access_log_record
from apps.dossiers.models import Client, Dossier
from apps.questionnaires.models import (
    Answer,
    Dimension,
    DimensionScore,
    Instrument,
    InstrumentVersion,
    Item,
    Response,
)

# The view-level permissions: no object is known yet. A resident fills in scans and reads
# their own; a social worker or team leader reads and records those of their clients.
FILLS_SCANS = "questionnaires.add_response"
CASEWORK = "dossiers.view_caseload"


class AnyPolicyPermission(PolicyPermission):
    """PolicyPermission whose entry per HTTP method may name several permissions; holding
    any one of them lets the request through to the view, which then narrows by role."""

    def has_permission(self, request, view):
        if not hasattr(view, request.method.lower()):
            return True  # DRF answers 405 Method Not Allowed
        method = "GET" if request.method == "HEAD" else request.method
        names = (getattr(view, "policy_permissions", None) or {}).get(method) or ()
        if isinstance(names, str):
            names = (names,)
        return any(policy.can(request.user, name) for name in names) or refused(request, view)


# --- Instruments (no personal data) -------------------------------------------------------


def instruments_in_use():
    """Instruments that can be filled in now, each with its current version in
    `current_versions` (one element), its dimensions and items in order: four queries."""
    current = InstrumentVersion.objects.current().prefetch_related(
        Prefetch("dimensions", Dimension.objects.order_by("order")),
        Prefetch("items", Item.objects.select_related("dimension").order_by("order")),
    )
    return (
        Instrument.objects.filter(versions__is_current=True)
        .prefetch_related(Prefetch("versions", current, to_attr="current_versions"))
        .order_by("code")
    )


# --- Responses ----------------------------------------------------------------------------


def _with_details(responses):
    """What the API shows of a response: version and instrument, dimension scores, answers."""
    return responses.select_related("version__instrument").prefetch_related(
        Prefetch(
            "dimension_scores",
            DimensionScore.objects.select_related("dimension").order_by("dimension__order"),
        ),
        Prefetch("answers", Answer.objects.select_related("item").order_by("item__order")),
    )


def responses_for_actor(*, actor):
    """The responses the policy's `questionnaires.view_response` lets the actor read, as
    one query: a resident's own scans (and what they filled in with their worker); for
    casework, what was recorded in the team's dossiers and what a resident the team
    supports now shares with them."""
    if policy.can(actor, FILLS_SCANS):
        responses = Response.objects.of_resident(actor)
    elif policy.can(actor, CASEWORK):
        responses = Response.objects.open_to_team(policy.team_ids_of(actor))
    else:
        responses = Response.objects.none()
    return _with_details(responses).order_by("-started_at", "-pk")


def response_for_actor(*, actor, pk) -> Response:
    """One response the policy lets the actor read, with the read logged; otherwise a
    logged refusal and Http404, the same for "does not exist" and "not yours"."""
    response = _with_details(Response.objects.select_related("client")).filter(pk=pk).first()
    if response is None or not policy.can(actor, "questionnaires.view_response", response):
        refuse(actor=actor, model=Response, pk=pk)
    access_log_record(actor=actor, action=AccessLogEntry.Action.READ, obj=response)
    return response


def response_loaded(*, pk) -> Response:
    """A response with what the API shows of it, for the answer to the request that stored
    it (that request's own CREATE row is its log)."""
    return _with_details(Response.objects).get(pk=pk)


def refuse(*, actor, model, pk, reason: str = ""):
    access_denied_record(
        actor=actor, object_type=model._meta.label_lower, object_id=str(pk), reason=reason
    )
    raise Http404


# --- Where a new response goes ------------------------------------------------------------


def own_client_record(*, actor) -> Client | None:
    """The resident's client record, when the organisation supports them (not everyone
    who fills in a scan is a client)."""
    return Client.objects.filter(account=actor).first()


def dossier_for_measurement(*, actor, pk) -> Dossier:
    """A dossier of one of the actor's own teams (open or closed: a closed one gets a clear
    400 from the caller); another team's or a missing one is a logged 404."""
    dossier = Dossier.objects.select_related("client").filter(pk=pk).first()
    if dossier is None or not policy.can(actor, "dossiers.change_dossier", dossier):
        refuse(
            actor=actor,
            model=Dossier,
            pk=pk,
            reason="Measurement for a dossier outside the own teams.",
        )
    return dossier
