"""The one authorization policy of Buurtkompas.

Every view, API endpoint, download and export asks `can()` (directly, through
`user.has_perm()` via the authentication backend, or through the view helpers below).
A permission that is not listed here is denied: default deny.

Permission names follow Django's "<app_label>.<action>_<model>" so the admin and DRF
ask the same rules; area permissions live under "core.".
"""

from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection

from apps.accounts.models import PartnerSystem, Role

policy = rules.RuleSet()


def can(user, permission: str, obj=None) -> bool:
    return policy.test_rule(permission, user, obj)


def require(user, permission: str, obj=None) -> None:
    # No message: the API would show it, and permission names are not for users.
    if not can(user, permission, obj):
        raise PermissionDenied


def area_required(permission: str, *, record: str = ""):
    """Guard a whole page: anonymous users go to the login page, others get a 403 (logged
    by apps.audit.middleware.RefusalLogMiddleware). `record` names what the page's `pk`
    is, such as "dossiers.dossier", for that row."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, permission)
            return view(request, *args, **kwargs)

        wrapped.record_type = record
        return wrapped

    return decorator


# --- Facts about the user ---------------------------------------------------------------


def _has_role(*roles: Role):
    names = "_or_".join(role.value for role in roles)

    @rules.predicate(name=f"is_{names}")
    def predicate(user) -> bool:
        return bool(user.is_authenticated and user.is_active and user.role in roles)

    return predicate


is_resident = _has_role(Role.RESIDENT)
is_volunteer = _has_role(Role.VOLUNTEER)
is_social_worker = _has_role(Role.SOCIAL_WORKER)
is_team_leader = _has_role(Role.TEAM_LEADER)
is_manager = _has_role(Role.MANAGER)
is_municipality_viewer = _has_role(Role.MUNICIPALITY_VIEWER)
is_functional_admin = _has_role(Role.FUNCTIONAL_ADMIN)
works_for_organisation = _has_role(
    Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.TEAM_LEADER, Role.MANAGER, Role.FUNCTIONAL_ADMIN
)


def team_ids_of(user) -> frozenset[int]:
    """The user's teams, read once per user object (one query per request at most)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_policy_team_ids"):
        _read_team_memberships(user)
    return user._policy_team_ids


def coordinated_team_ids(user) -> frozenset[int]:
    """The teams whose volunteers the user matches with residents' requests for informal
    help, read with their teams."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_policy_coordinated_team_ids"):
        _read_team_memberships(user)
    return user._policy_coordinated_team_ids


def _read_team_memberships(user) -> None:
    """The user's teams and which of them they coordinate volunteers for, in one plain
    query: nearly every staff request asks (see _ids_of_user)."""
    table = user._meta.get_field("team_memberships").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT team_id, coordinates_volunteers FROM {table} WHERE user_id = %s",  # noqa: S608
            [user.pk],
        )
        rows = cursor.fetchall()
    user._policy_team_ids = frozenset(team_id for team_id, _coordinates in rows)
    user._policy_coordinated_team_ids = frozenset(
        team_id for team_id, coordinates in rows if coordinates
    )


def municipality_ids_of(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_policy_municipality_ids"):
        user._policy_municipality_ids = _ids_of_user(
            user, "municipality_memberships", "municipality_id"
        )
    return user._policy_municipality_ids


def _ids_of_user(user, memberships: str, column: str) -> frozenset[int]:
    """One column of the user's memberships, as plain SQL: nearly every staff request
    asks, and the ORM spent 0.4 ms of CPU building a query the database answers in
    0.07 ms, a sixth of what the benchmark's floor page costs in all."""
    table = user._meta.get_field(memberships).related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE user_id = %s", [user.pk])  # noqa: S608
        return frozenset(pk for (pk,) in cursor.fetchall())


# --- Facts about the user and the object ------------------------------------------------


@rules.predicate
def is_self(user, target) -> bool:
    return target is not None and user.is_authenticated and target.pk == user.pk


@rules.predicate
def is_member_of_team(user, team) -> bool:
    return team is not None and team.pk in team_ids_of(user)


@rules.predicate
def leads_team_of_membership(user, membership) -> bool:
    return membership is not None and membership.team_id in team_ids_of(user)


@rules.predicate
def shares_a_team_with(user, target) -> bool:
    return target is not None and bool(team_ids_of(user) & team_ids_of(target))


@rules.predicate
def views_municipality(user, municipality) -> bool:
    return municipality is not None and municipality.pk in municipality_ids_of(user)


@rules.predicate
def views_municipality_of(user, obj) -> bool:
    """For records of one municipality (neighbourhoods, municipality reports)."""
    return obj is not None and obj.municipality_id in municipality_ids_of(user)


@rules.predicate
def team_in_own_municipality(user, team) -> bool:
    return team is not None and team.municipality_id in municipality_ids_of(user)


@rules.predicate
def belongs_to_own_team(user, obj) -> bool:
    """For records that belong to one team (dossiers, intake requests)."""
    return obj is not None and obj.team_id in team_ids_of(user)


@rules.predicate
def dossier_of_another_team(user, dossier) -> bool:
    # Not `~belongs_to_own_team`: a negation would say yes to a dossier that is None.
    return dossier is not None and dossier.team_id not in team_ids_of(user)


@rules.predicate
def holds_break_glass_for(user, dossier) -> bool:
    """An open break-the-glass grant (the reason was asked and logged)."""
    if dossier is None or not user.is_authenticated:
        return False
    return dossier.break_glass.active().filter(actor=user).exists()


def _dossier_of(obj):
    """The dossier a record belongs to (a network member, life event, attachment), or the
    dossier itself; None for None."""
    return getattr(obj, "dossier", obj)


@rules.predicate
def in_dossier_of_own_team(user, record) -> bool:
    return belongs_to_own_team.test(user, _dossier_of(record))


@rules.predicate
def in_dossier_opened_by_break_glass(user, record) -> bool:
    return holds_break_glass_for.test(user, _dossier_of(record))


@rules.predicate
def is_client_of(user, dossier) -> bool:
    return dossier is not None and user.is_authenticated and dossier.client.account_id == user.pk


@rules.predicate
def report_is_draft(user, report) -> bool:
    return report is not None and report.is_draft


@rules.predicate
def report_is_published(user, report) -> bool:
    return report is not None and not report.is_draft


def _manage(app_model: str, predicate) -> None:
    app_label, model = app_model.split(".")
    for action in ("add", "change", "delete"):
        policy.add_rule(f"{app_label}.{action}_{model}", predicate)


# --- Areas ------------------------------------------------------------------------------
policy.add_rule("core.access_workspace", is_social_worker | is_team_leader | is_functional_admin)
policy.add_rule("core.access_reports", is_manager | is_team_leader | is_municipality_viewer)
policy.add_rule("core.access_admin", is_functional_admin)

# --- Report figures (statistics only: never a name, a dossier or a link to one) ---------
# Managers see the whole organisation, team leaders their own teams, municipality viewers
# their own municipality, and the latter only in figures protected against small counts.
policy.add_rule(
    "effects.view_figures_of_team",
    is_manager
    | (is_team_leader & is_member_of_team)
    | (is_municipality_viewer & team_in_own_municipality),
)
policy.add_rule(
    "effects.view_figures_of_municipality",
    is_manager | is_team_leader | (is_municipality_viewer & views_municipality),
)
policy.add_rule(
    "effects.view_figures_of_area",
    is_manager | is_team_leader | (is_municipality_viewer & views_municipality_of),
)
policy.add_rule("effects.view_unprotected_figures", is_manager | is_team_leader)
policy.add_rule("effects.view_organisation_figures", is_manager)
policy.add_rule("effects.add_statisticsrun", is_manager)

# --- Accounts (personal records of staff and residents) ---------------------------------
policy.add_rule(
    "accounts.view_user", is_self | is_functional_admin | (is_team_leader & shares_a_team_with)
)
_manage("accounts.user", is_functional_admin)
# allauth's own records, managed by a functional administrator (e.g. reset a lost phone).
policy.add_rule("account.view_emailaddress", is_functional_admin)
_manage("account.emailaddress", is_functional_admin)
policy.add_rule("mfa.view_authenticator", is_functional_admin)
policy.add_rule("mfa.delete_authenticator", is_functional_admin)

# --- Organisation (reference data; not personal) ----------------------------------------
policy.add_rule(
    "organisation.view_municipality",
    works_for_organisation | (is_municipality_viewer & views_municipality),
)
policy.add_rule(
    "organisation.view_neighbourhood",
    works_for_organisation | (is_municipality_viewer & views_municipality_of),
)
policy.add_rule("organisation.view_theme", works_for_organisation | is_municipality_viewer)
policy.add_rule("organisation.view_team", is_functional_admin | is_manager | is_member_of_team)
policy.add_rule(
    "organisation.view_teammembership",
    is_functional_admin | (is_team_leader & leads_team_of_membership),
)
policy.add_rule("organisation.view_municipalitymembership", is_functional_admin)
for _model in ("municipality", "neighbourhood", "theme", "team", "teammembership"):
    _manage(f"organisation.{_model}", is_functional_admin)
_manage("organisation.municipalitymembership", is_functional_admin)

# --- The social map (apps/socialmap): public information about providers and their
# services, kept by functional administrators; read by everyone who works for the
# organisation (staff-only notes included).
for _model in (
    "organization",
    "service",
    "location",
    "serviceatlocation",
    "accessibility",
    "contact",
    "phone",
    "schedule",
    "costoption",
    "language",
    "targetgroup",
):
    policy.add_rule(f"socialmap.view_{_model}", works_for_organisation)
    _manage(f"socialmap.{_model}", is_functional_admin)
# Providers' proposed changes wait for an editor: the functional administrator, who keeps
# the map. How fresh the map is, per theme and district, is for those who steer the work.
policy.add_rule("socialmap.view_proposedchange", is_functional_admin)
policy.add_rule("socialmap.change_proposedchange", is_functional_admin)
policy.add_rule("socialmap.view_freshness", is_functional_admin | is_manager | is_team_leader)

# --- The footer's pages (privacy and accessibility statements, contact): read by
# everyone; their text kept by the functional administrator; never added or removed.
policy.add_rule("portal.view_informationpage", is_functional_admin)
policy.add_rule("portal.change_informationpage", is_functional_admin)


# --- Journeys (klantreizen): published ones are for everyone (no rule needed); drafts
# are read and written by staff who work with residents, and published by those who answer
# for what the organisation says.
@rules.predicate
def journey_is_draft(user, journey) -> bool:
    # Without a journey: whether they may edit journeys at all (the editor's list).
    return journey is None or journey.status == "draft"


writes_journeys = is_social_worker | is_team_leader | is_functional_admin
publishes_journeys = is_team_leader | is_functional_admin
policy.add_rule("portal.view_journey", writes_journeys)
policy.add_rule("portal.add_journey", writes_journeys)
# A published journey changes in public: only those who publish change it.
policy.add_rule("portal.change_journey", publishes_journeys | (writes_journeys & journey_is_draft))
policy.add_rule("portal.publish_journey", publishes_journeys)
policy.add_rule("portal.delete_journey", publishes_journeys)

# --- The municipality's accountability reports: managers write, approve and publish them;
# the municipality's viewers download the published ones of their own municipality. A
# published report never changes: a correction is a new version.
policy.add_rule("core.access_municipality_reports", is_manager | is_municipality_viewer)
policy.add_rule(
    "reports.view_municipalityreport",
    is_manager | (is_municipality_viewer & views_municipality_of & report_is_published),
)
policy.add_rule("reports.add_municipalityreport", is_manager)
policy.add_rule("reports.change_municipalityreport", is_manager & report_is_draft)
policy.add_rule("reports.publish_municipalityreport", is_manager & report_is_draft)
policy.add_rule("reports.correct_municipalityreport", is_manager & report_is_published)

# --- The sector benchmark: managers export the organisation's anonymised figures and
# compare them with other organisations' exports.
for _model in ("benchmarkexport", "benchmarkpeer"):
    policy.add_rule(f"reports.view_{_model}", is_manager)
    policy.add_rule(f"reports.add_{_model}", is_manager)
policy.add_rule("reports.delete_benchmarkpeer", is_manager)

# --- The what-if calculator's cost items: kept by the functional administrator, read by
# those who record or report prevented costs.
policy.add_rule(
    "reports.view_costitem",
    is_functional_admin | is_manager | is_social_worker | is_team_leader,
)
_manage("reports.costitem", is_functional_admin)

# --- Dossiers (personal records) --------------------------------------------------------
does_casework = is_social_worker | is_team_leader
policy.add_rule("dossiers.view_caseload", does_casework)
# The worker's day: their own plan actions and contacts, new dossiers, their teams' intake.
policy.add_rule("dossiers.view_today", does_casework)
policy.add_rule("dossiers.view_team_overview", is_team_leader)
# The object is a team: its leader sees all of its trajectories in the team overview.
policy.add_rule("dossiers.lead_team", is_team_leader & is_member_of_team)
policy.add_rule("dossiers.view_intake_queue", does_casework)
policy.add_rule("dossiers.handle_intakerequest", does_casework & belongs_to_own_team)
policy.add_rule("dossiers.add_dossier", does_casework)
policy.add_rule(
    "dossiers.view_dossier", does_casework & (belongs_to_own_team | holds_break_glass_for)
)
policy.add_rule("dossiers.change_dossier", does_casework & belongs_to_own_team)
policy.add_rule("dossiers.break_glass_dossier", does_casework & dossier_of_another_team)
# A legal hold keeps a closed dossier past its retention period; the team leader decides.
policy.add_rule("dossiers.hold_dossier", is_team_leader & belongs_to_own_team)
# The team leader divides the work: gives a client to a colleague of the dossier's team, and
# asks a worker why a trajectory runs long. Social workers do neither for each other.
policy.add_rule("dossiers.reassign_dossier", is_team_leader & belongs_to_own_team)
policy.add_rule("dossiers.request_explanation_dossier", is_team_leader & belongs_to_own_team)
# Records inside a dossier (network, life events, attachments) follow their dossier. For
# "add", the object asked about is the dossier itself.
for _model in ("networkmember", "lifeevent", "attachment"):
    policy.add_rule(
        f"dossiers.view_{_model}",
        does_casework & (in_dossier_of_own_team | in_dossier_opened_by_break_glass),
    )
    _manage(f"dossiers.{_model}", does_casework & in_dossier_of_own_team)
# A referral to a service of the social map is recorded in the dossier (apps/socialmap);
# the object asked about is the dossier.
policy.add_rule("socialmap.add_referral", does_casework & belongs_to_own_team)
policy.add_rule(
    "socialmap.view_referral", does_casework & (belongs_to_own_team | holds_break_glass_for)
)
# A resident reads only what is marked for the client, of their own dossier.
policy.add_rule("dossiers.view_own_dossier", is_resident & is_client_of)
# The portal's "my support" page: residents only (it shows what they have, maybe nothing).
policy.add_rule("dossiers.view_own_dossier_area", is_resident)
# A resident who asks for help while logged in follows their request under "my support".
policy.add_rule("dossiers.follow_own_help_request", is_resident)


@rules.predicate
def is_action_of_client(user, action) -> bool:
    return action is not None and action.owner == "client"


@rules.predicate
def is_action_in_own_dossier(user, action) -> bool:
    return action is not None and is_client_of.test(user, action.goal.dossier)


# The client ticks off the actions of their plan that are theirs to do, in the portal; the
# object asked about is the action.
policy.add_rule(
    "dossiers.tick_own_action", is_resident & is_action_of_client & is_action_in_own_dossier
)

# --- Access log: read and export only; nobody adds, changes or deletes rows by hand -----
policy.add_rule("audit.view_accesslogentry", is_functional_admin)
policy.add_rule("audit.export_accesslogentry", is_functional_admin)

# --- API --------------------------------------------------------------------------------
# Partner systems (a GP's or school's software, with an API token) send referrals to the
# teams they were set up for, and do nothing else. People use the API with the same rules
# as the pages (the dossier rows above); a client record is visible through a dossier.
is_partner_system = _has_role(Role.PARTNER_SYSTEM)


def referral_team_ids_of(user) -> frozenset[int]:
    if not user.is_authenticated or not user.is_partner_system:
        return frozenset()
    if not hasattr(user, "_policy_referral_team_ids"):
        links = PartnerSystem.teams.through.objects.filter(partnersystem__account=user)
        user._policy_referral_team_ids = frozenset(links.values_list("team_id", flat=True))
    return user._policy_referral_team_ids


@rules.predicate
def refers_to_team(user, team) -> bool:
    return team is not None and team.pk in referral_team_ids_of(user)


@rules.predicate
def refers_to_any_team(user) -> bool:
    return bool(referral_team_ids_of(user))


@rules.predicate
def is_client_of_own_team(user, client) -> bool:
    return client is not None and client.dossiers.filter(team_id__in=team_ids_of(user)).exists()


# Partner systems' API tokens: listed (never the token itself) and revoked in the admin;
# they are issued by the create_api_token command, which shows a new token once.
policy.add_rule("accounts.view_apitoken", is_functional_admin)
policy.add_rule("accounts.change_apitoken", is_functional_admin)
policy.add_rule("dossiers.add_referral", is_partner_system & refers_to_any_team)
policy.add_rule("dossiers.refer_to_team", is_partner_system & refers_to_team)


@rules.predicate
def supports_client_now(user, client) -> bool:
    """An open dossier of the client in one of the user's teams."""
    return (
        client is not None and client.dossiers.open().filter(team_id__in=team_ids_of(user)).exists()
    )


@rules.predicate
def is_the_client(user, client) -> bool:
    """The resident whose portal account this client record is."""
    return client is not None and user.is_authenticated and client.account_id == user.pk


policy.add_rule("dossiers.view_client", does_casework & is_client_of_own_team)
# A client's details (address, phone) are shared by the teams that support them now; a
# team whose trajectory has closed keeps its dossier, not a say over the current details.
# The client corrects their own contact details in the portal.
policy.add_rule(
    "dossiers.change_client", (does_casework & supports_client_now) | (is_resident & is_the_client)
)


# --- Questionnaires (self-scans and measurements) ---------------------------------------


@rules.predicate
def is_respondent_of(user, response) -> bool:
    """The resident who filled in this scan themselves."""
    return response is not None and user.is_authenticated and response.respondent_id == user.pk


@rules.predicate
def response_open_to_team(user, response) -> bool:
    """What a worker recorded (alone or with the client) is read by the team of the dossier
    it belongs to. A scan the resident filled in alone only while the resident shares it,
    and by a team that supports them now: their consent is for their current worker.
    ResponseQuerySet.open_to_team is the same rule for many responses at once."""
    if response is None or response.client_id is None:
        return False
    if response.mode == response.Mode.SELF:
        return response.shared_with_worker and supports_client_now.test(user, response.client)
    return response.dossier_id is not None and response.dossier.team_id in team_ids_of(user)


@rules.predicate
def is_in_progress(user, response) -> bool:
    return response is not None and not response.is_completed


@rules.predicate
def recorded_it(user, response) -> bool:
    return response is not None and user.is_authenticated and response.recorded_by_id == user.pk


@rules.predicate
def filled_in_with_them(user, response) -> bool:
    """A measurement the resident filled in together with their worker: it is theirs to
    read once it is finished, like their own scans."""
    return (
        response is not None
        and response.mode == response.Mode.TOGETHER
        and response.is_completed
        and response.client_id is not None
        and user.is_authenticated
        and response.client.account_id == user.pk
    )


@rules.predicate
def is_survey(user, response) -> bool:
    """An evaluation of our work (satisfaction): read only in aggregate, never shared."""
    return response is not None and response.version.instrument.purpose == "survey"


@rules.predicate
def assigned_to_them(user, assignment) -> bool:
    return (
        assignment is not None
        and user.is_authenticated
        and assignment.client.account_id == user.pk
        and assignment.cancelled_at is None
    )


@rules.predicate
def dossier_is_open(user, dossier) -> bool:
    return dossier is not None and dossier.status != dossier.Status.CLOSED


@rules.predicate
def dossier_is_closed(user, dossier) -> bool:
    return dossier is not None and dossier.status == dossier.Status.CLOSED


# What support likely prevented (the what-if calculator): recorded by the dossier's own team
# once the dossier is closed.
policy.add_rule(
    "reports.add_preventedevent", does_casework & belongs_to_own_team & dossier_is_closed
)

# Instrument definitions hold no personal data; anyone may fill a self-scan, without an
# account too (the portal pages ask nothing for that).
policy.add_rule("questionnaires.view_instrument", _has_role(*Role))
policy.add_rule(
    "questionnaires.view_response",
    (is_resident & (is_respondent_of | filled_in_with_them))
    | (does_casework & response_open_to_team & ~is_survey),
)
# Answering: the resident their own unfinished scan; the worker what they record.
policy.add_rule(
    "questionnaires.change_response",
    is_in_progress & ((is_resident & is_respondent_of) | (does_casework & recorded_it)),
)
# Sharing with the worker, and taking it back, is the resident's decision alone.
policy.add_rule("questionnaires.share_response", is_resident & is_respondent_of & ~is_survey)
policy.add_rule("questionnaires.add_response", is_resident)
# For these two the object asked about is the dossier.
policy.add_rule(
    "questionnaires.add_assignment", does_casework & belongs_to_own_team & dossier_is_open
)
policy.add_rule(
    "questionnaires.record_measurement", does_casework & belongs_to_own_team & dossier_is_open
)
# The resident starts what their worker asked them to fill in.
policy.add_rule("questionnaires.start_assignment", is_resident & assigned_to_them)
# The measurements part of a dossier page; the object asked about is the client.
policy.add_rule("questionnaires.view_measurements", does_casework & is_client_of_own_team)
# The staff survey about the platform itself, for the adoption report.
policy.add_rule("questionnaires.fill_staff_survey", does_casework)

# --- Secure messages (apps/portal): a conversation about a dossier, between its client
# and the team that supports them. The object asked about is the conversation, or the
# dossier when one starts. Writing only while the dossier is open; reading always.


@rules.predicate
def is_client_in(user, record) -> bool:
    return is_client_of.test(user, _dossier_of(record))


@rules.predicate
def in_open_dossier(user, record) -> bool:
    return dossier_is_open.test(user, _dossier_of(record))


takes_part = (is_resident & is_client_in) | (does_casework & in_dossier_of_own_team)
policy.add_rule("portal.view_messagethread", takes_part)
policy.add_rule("portal.add_message", takes_part & in_open_dossier)
policy.add_rule("portal.add_messagethread", takes_part & in_open_dossier)
# The resident's list of their conversations (it shows what they have, maybe nothing).
policy.add_rule("portal.view_own_messages", is_resident)

# --- Activities (apps/portal): residents sign up; the staff of the organising team (and a
# functional administrator) manage them and see who signed up. The object is the activity,
# or the sign-up when one is changed.


@rules.predicate
def signed_up_themselves(user, sign_up) -> bool:
    return sign_up is not None and user.is_authenticated and sign_up.resident_id == user.pk


@rules.predicate
def organises_activity_of(user, sign_up) -> bool:
    return sign_up is not None and sign_up.activity.team_id in team_ids_of(user)


organises = is_functional_admin | (does_casework & belongs_to_own_team)
policy.add_rule("portal.add_signup", is_resident)
policy.add_rule(
    "portal.change_signup",
    (is_resident & signed_up_themselves)
    | is_functional_admin
    | (does_casework & organises_activity_of),
)


@rules.predicate
def takes_part_in_group_of(user, activity) -> bool:
    """A learning group's meeting is for its members, whoever runs the group, and the
    team that organises it. (Other activities are open to everyone, without asking.)"""
    cohort = getattr(activity, "cohort", None)
    if cohort is None:
        return False
    return (
        (is_resident & is_member_of).test(user, cohort)
        or runs_cohort.test(user, cohort)
        or organises.test(user, activity)
    )


policy.add_rule("portal.view_group_session", takes_part_in_group_of)
policy.add_rule("portal.view_activity_area", does_casework | is_functional_admin)
policy.add_rule("portal.add_activity", does_casework | is_functional_admin)
policy.add_rule("portal.change_activity", organises)
policy.add_rule("portal.view_signup", organises)

# --- Informal help (apps/portal): a resident asks; a volunteer coordinator of the team
# matches a volunteer; the volunteer sees only their own matches.


@rules.predicate
def coordinates_volunteers(user) -> bool:
    return bool(coordinated_team_ids(user))


@rules.predicate
def coordinates_team_of(user, record) -> bool:
    team_id = getattr(record, "team_id", None) or getattr(
        getattr(record, "request", None), "team_id", None
    )
    return team_id is not None and team_id in coordinated_team_ids(user)


@rules.predicate
def asked_it_themselves(user, request) -> bool:
    return request is not None and user.is_authenticated and request.resident_id == user.pk


@rules.predicate
def is_the_volunteer(user, match) -> bool:
    return match is not None and user.is_authenticated and match.volunteer_id == user.pk


policy.add_rule("portal.add_informalhelprequest", is_resident)
# Coordinators are social workers or team leaders with the flag on their membership; the
# role is asked first, so that other roles' pages read no memberships for the menu.
policy.add_rule(
    "portal.view_informalhelprequest",
    (is_resident & asked_it_themselves) | (does_casework & coordinates_team_of),
)
policy.add_rule("portal.view_informal_help_queue", does_casework & coordinates_volunteers)
policy.add_rule("portal.add_volunteermatch", does_casework & coordinates_team_of)
policy.add_rule(
    "portal.view_volunteermatch",
    (is_volunteer & is_the_volunteer) | (does_casework & coordinates_team_of),
)
policy.add_rule("portal.view_own_matches", is_volunteer)

# A resident's own data: its download and who looked at their records.
policy.add_rule("portal.view_own_data", is_resident)

# --- Learning paths (apps/learning): published versions are open to everyone, without a
# permission (as published journeys are); drafts and retired versions to those who write
# paths. Residents enrol themselves and do their own steps; a worker may
# enrol a client of their team. The object is the version, the learner or the enrolment.


@rules.predicate
def is_the_learner(user, learner) -> bool:
    return learner is not None and user.is_authenticated and learner.pk == user.pk


@rules.predicate
def learner_is_client_of_own_team(user, learner) -> bool:
    if learner is None or not team_ids_of(user):
        return False
    client = getattr(learner, "client_record", None)
    return client is not None and supports_client_now.test(user, client)


@rules.predicate
def follows_it(user, enrolment) -> bool:
    return enrolment is not None and user.is_authenticated and enrolment.learner_id == user.pk


@rules.predicate
def is_draft_version(user, version) -> bool:
    return version is not None and version.is_draft


writes_paths = is_social_worker | is_team_leader | is_functional_admin
publishes_paths = is_team_leader | is_functional_admin
# A published version is frozen: learners' progress refers to its steps.
policy.add_rule("learning.change_pathversion", writes_paths & is_draft_version)
policy.add_rule("learning.view_pathversion", writes_paths)
policy.add_rule("learning.view_learningpath_area", writes_paths)
policy.add_rule("learning.add_learningpath", writes_paths)
policy.add_rule("learning.export_pathversion", writes_paths)
policy.add_rule("learning.publish_pathversion", publishes_paths)
policy.add_rule(
    "learning.add_enrolment",
    (is_resident & is_the_learner) | (does_casework & learner_is_client_of_own_team),
)

policy.add_rule("learning.change_enrolment", is_resident & follows_it)
policy.add_rule("learning.view_own_enrolments", is_resident)


# Groups (cohorts): a social worker or team leader of a team runs a group as its facilitator;
# the team's leader may act for them. Members (learners in the group) and the facilitator
# take part in its discussion; the facilitator hides posts and sees the group's progress.
@rules.predicate
def in_team_of(user, team) -> bool:
    return team is not None and team.pk in team_ids_of(user)


@rules.predicate
def facilitates(user, cohort) -> bool:
    return cohort is not None and user.is_authenticated and cohort.facilitator_id == user.pk


@rules.predicate
def leads_team_of_cohort(user, cohort) -> bool:
    return cohort is not None and is_team_leader.test(user) and cohort.team_id in team_ids_of(user)


@rules.predicate
def is_member_of(user, cohort) -> bool:
    if cohort is None or not user.is_authenticated:
        return False
    return cohort.enrolments.filter(learner_id=user.pk).exists()


runs_cohort = does_casework & (facilitates | leads_team_of_cohort)
policy.add_rule("learning.view_cohort_area", does_casework)
policy.add_rule("learning.add_cohort", does_casework & in_team_of)
policy.add_rule("learning.view_cohort", runs_cohort)
policy.add_rule("learning.change_cohort", runs_cohort)
policy.add_rule("learning.add_post", runs_cohort | (is_resident & is_member_of))


# An enrolment is read by its learner and by whoever runs the learner's group.
@rules.predicate
def runs_cohort_of(user, enrolment) -> bool:
    cohort = getattr(enrolment, "cohort", None)
    return cohort is not None and runs_cohort.test(user, cohort)


policy.add_rule(
    "learning.view_enrolment", (is_resident & follows_it) | (does_casework & runs_cohort_of)
)
# Through the API: a resident their own enrolments, a facilitator those of their groups.
policy.add_rule("learning.view_enrolment_list", is_resident | does_casework)
policy.add_rule("learning.enrol_self", is_resident)
