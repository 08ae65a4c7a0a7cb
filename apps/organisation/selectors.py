from django.db.models import Count, Q

from apps.accounts import policy
from apps.organisation.models import Municipality, Team, TeamMembership


def teams_of_user(*, user):
    """The user's own teams with their municipality and districts."""
    # Filter through a subquery: filtering on the memberships join would make the count
    # below count only this user's own membership.
    return (
        Team.objects.filter(pk__in=TeamMembership.objects.filter(user=user).values("team_id"))
        .select_related("municipality")
        .prefetch_related("neighbourhoods")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )


def municipalities_visible_to(*, user):
    """Municipalities whose figures the user may see, with a few counts for an overview."""
    queryset = Municipality.objects.annotate(
        district_count=Count(
            "neighbourhoods", filter=Q(neighbourhoods__kind="wijk"), distinct=True
        ),
        team_count=Count("teams", distinct=True),
    )
    if policy.can(user, "core.access_reports") and policy.is_municipality_viewer(user):
        return queryset.filter(pk__in=policy.municipality_ids_of(user))
    if policy.works_for_organisation(user):
        return queryset
    return queryset.none()


def team_names_of_user(*, user) -> list[str]:
    return list(
        Team.objects.filter(memberships__user=user).order_by("name").values_list("name", flat=True)
    )
