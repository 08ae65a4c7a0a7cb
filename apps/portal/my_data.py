"""A resident's own data: everything of theirs the portal shows, as one machine-readable
file and as a PDF to read (the right of access and of portability), and who looked at their
records (the access log, filtered to them). Reads only; each export is in the access log.
"""

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts import policy
from apps.accounts.models import Role
from apps.audit.models import AccessLogEntry
from apps.audit.services import access_log_record
from apps.core.pdf import html_to_pdf
from apps.dossiers.models import Client, ContactMoment, Dossier, IntakeRequest
from apps.portal.models import InformalHelpRequest, Message, MessageThread, SignUp
from apps.questionnaires.models import Answer, Response

PDF_TEMPLATE = "portal/pdf/my_data.html"
# The residents' print stylesheet, shared with the self-scan result.
PDF_STYLESHEET = "css/print-result.css"
# How many views of their records the page lists, newest first.
LOOKS_SHOWN = 50


def _records(resident) -> dict[str, list[str]]:
    """The resident's personal records by access-log object type."""
    clients = list(Client.objects.filter(account=resident).values_list("pk", flat=True))
    dossiers = list(Dossier.objects.filter(client_id__in=clients).values_list("pk", flat=True))
    return {
        "dossiers.client": [str(pk) for pk in clients],
        "dossiers.dossier": [str(pk) for pk in dossiers],
        "questionnaires.response": [
            str(pk)
            for pk in Response.objects.filter(respondent=resident).values_list("pk", flat=True)
        ],
        "portal.messagethread": [
            str(pk)
            for pk in MessageThread.objects.filter(dossier_id__in=dossiers).values_list(
                "pk", flat=True
            )
        ],
    }


def who_looked(*, resident) -> list[AccessLogEntry]:
    """The newest reads and changes of the resident's records by someone else: when, who
    (their name and role as the log kept them) and what."""
    if not policy.can(resident, "portal.view_own_data"):
        return []
    condition = Q()
    for object_type, ids in _records(resident).items():
        if ids:
            condition |= Q(object_type=object_type, object_id__in=ids)
    if not condition:
        return []
    looks = list(
        AccessLogEntry.objects.filter(condition)
        .exclude(actor_user_id=resident.pk)
        .order_by("-occurred_at", "-id")[:LOOKS_SHOWN]
    )
    roles = dict(Role.choices)
    for look in looks:
        look.role_label = roles.get(look.actor_role, look.actor_role)
    return looks


def my_data(*, resident, file_format: str) -> dict:
    """Everything of the resident's that the portal shows them, as values that JSON and a
    template both write (dates and decimals as they are). The download, as `file_format`,
    is logged."""
    policy.require(resident, "portal.view_own_data")
    clients = list(Client.objects.filter(account=resident))
    dossiers = list(
        Dossier.objects.filter(client__in=clients)
        .select_related("team", "responsible_worker")
        .prefetch_related("goals__actions")
    )
    summaries = ContactMoment.objects.filter(dossier__in=dossiers).exclude(client_summary="")
    data = {
        "account": {
            "email": resident.email,
            "first_name": resident.first_name,
            "last_name": resident.last_name,
            "joined": resident.date_joined,
        },
        "client_records": [
            {
                "first_name": client.first_name,
                "last_name": client.last_name,
                "birth_date": client.birth_date,
                "street": client.street,
                "house_number": client.house_number,
                "postcode": client.postcode,
                "town": client.city,
                "phone": str(client.phone or ""),
                "email": client.email,
                "contact_by": client.get_contact_preference_display(),
            }
            for client in clients
        ],
        "support": [
            {
                "status": dossier.get_status_display(),
                "started_on": dossier.started_on,
                "ended_on": dossier.ended_on,
                "team": dossier.team.name,
                "social_worker": dossier.responsible_worker.get_full_name()
                if dossier.responsible_worker
                else None,
                "plan": [
                    {
                        "goal": goal.question,
                        "achieved_on": goal.achieved_on,
                        "actions": [
                            {
                                "what": action.description,
                                "who": action.get_owner_display(),
                                "status": action.get_status_display(),
                            }
                            for action in goal.actions.all()
                        ],
                    }
                    for goal in dossier.goals.all()
                ],
                "summaries": [
                    {"on": moment.occurred_at, "summary": moment.client_summary}
                    for moment in summaries
                    if moment.dossier_id == dossier.pk
                ],
            }
            for dossier in dossiers
        ],
        "self_scans": [
            {
                "instrument": response.version.instrument.name,
                "completed_at": response.completed_at,
                "overall_score": response.overall_score,
                "shared_with_social_worker": response.shared_with_worker,
                "answers": [
                    {
                        "code": answer.item.code,
                        "question": answer.item.text,
                        "answer": answer.value if answer.value is not None else answer.text,
                        "meaning": answer.item.label_for(answer.value)
                        if answer.value is not None
                        else "",
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in Response.objects.filter(respondent=resident)
            .select_related("version__instrument")
            .prefetch_related(
                Prefetch(
                    "answers",
                    Answer.objects.select_related("item__version").order_by("item__order"),
                )
            )
            .order_by("started_at", "pk")
        ],
        "messages": [
            {
                "conversation": message.thread.subject,
                "sent_at": message.sent_at,
                "from_me": message.from_client,
                "text": message.body,
                "files": [attachment.original_name for attachment in message.attachments.all()],
            }
            for message in Message.objects.filter(thread__dossier__in=dossiers)
            .select_related("thread")
            .prefetch_related("attachments")
            .order_by("sent_at", "pk")
        ],
        "requests_for_help": [
            {
                "reference": request.reference,
                "received_at": request.received_at,
                "question": request.question,
                "status": request.get_status_display(),
            }
            for request in IntakeRequest.objects.filter(requested_by=resident)
        ],
        "activities": [
            {
                "activity": sign_up.activity.title,
                "starts_at": sign_up.activity.starts_at,
                "status": sign_up.get_status_display(),
            }
            for sign_up in SignUp.objects.filter(resident=resident).select_related("activity")
        ],
        "informal_help": [
            {
                "kind": request.get_kind_display(),
                "asked_at": request.asked_at,
                "what": request.description,
                "status": request.get_status_display(),
            }
            for request in InformalHelpRequest.objects.filter(resident=resident)
        ],
    }
    access_log_record(
        actor=resident,
        action=AccessLogEntry.Action.EXPORT,
        object_type="accounts.user",
        object_id=str(resident.pk),
        reason=f"the resident downloaded their own data ({file_format})",
    )
    return data


def my_data_pdf(data: dict) -> bytes:
    """The resident's data (as `my_data` gives it) as an A4 PDF in the active language."""
    html = render_to_string(PDF_TEMPLATE, {"data": data, "made_at": timezone.now()})
    return html_to_pdf(html, stylesheet=PDF_STYLESHEET).data
