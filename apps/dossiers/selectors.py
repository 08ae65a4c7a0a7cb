from django.db.models import Prefetch

from apps.accounts import policy
from apps.dossiers.filters import CaseloadFilter
from apps.dossiers.models import Dossier, RegisteredQuestion
from apps.organisation.models import Neighbourhood


def caseload_filter(*, worker, data) -> CaseloadFilter:
    """The worker's open dossiers, with last contact and questions, filtered and sorted."""
    policy.require(worker, "dossiers.view_caseload")
    dossiers = (
        Dossier.objects.open()
        .filter(responsible_worker=worker)
        .select_related("client", "client__neighbourhood")
        .with_last_contact()
        .prefetch_related(
            Prefetch("questions", queryset=RegisteredQuestion.objects.select_related("theme"))
        )
        .order_by("started_on", "pk")
    )
    districts = (
        Neighbourhood.objects.districts().filter(teams__in=policy.team_ids_of(worker)).distinct()
    )
    return CaseloadFilter(data=data, queryset=dossiers, district_queryset=districts)
