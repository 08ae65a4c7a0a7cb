from apps.accounts import policy
from apps.reports.models import MunicipalityReport


def municipality_reports_for(user):
    """The reports the user may see: every one for a manager; the published ones of their
    own municipalities for a municipality viewer; none for anyone else."""
    reports = MunicipalityReport.objects.select_related("municipality")
    if policy.is_manager(user):
        return reports
    if policy.is_municipality_viewer(user):
        return reports.published().filter(municipality_id__in=policy.municipality_ids_of(user))
    return reports.none()
