"""The policy matrix: every role against every kind of object, asserted both ways.

Each row names a permission, an object from the scenario and the roles that may; every
other role must be refused. Later issues add rows here.
"""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from apps.accounts import policy
from apps.accounts.models import Role
from apps.accounts.tests.factories import PartnerSystemFactory, UserFactory
from apps.audit.models import AccessLogEntry
from apps.dossiers.models import Action, Attachment, Dossier, Goal
from apps.dossiers.tests.factories import (
    DossierFactory,
    IntakeRequestFactory,
    LifeEventFactory,
    NetworkMemberFactory,
)
from apps.learning.models import Cohort, Enrolment
from apps.learning.services import path_import, version_publish
from apps.learning.tests.paths import path_data, path_file
from apps.organisation.models import TeamMembership, Theme
from apps.organisation.tests.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    NeighbourhoodFactory,
    TeamFactory,
    TeamMembershipFactory,
)
from apps.portal.models import (
    Activity,
    InformalHelpRequest,
    Journey,
    MessageThread,
    SignUp,
    VolunteerMatch,
)
from apps.questionnaires.models import Response
from apps.questionnaires.tests.factories import ResponseFactory
from apps.reports.models import MunicipalityReport

ALL_ROLES = frozenset(Role)
R = Role
ORGANISATION = {R.VOLUNTEER, R.SOCIAL_WORKER, R.TEAM_LEADER, R.MANAGER, R.FUNCTIONAL_ADMIN}
TEAM_MEMBERS = {R.VOLUNTEER, R.SOCIAL_WORKER, R.TEAM_LEADER}
ADMIN = {R.FUNCTIONAL_ADMIN}
CASEWORK = {R.SOCIAL_WORKER, R.TEAM_LEADER}
NOBODY = set()

# (permission, object in the scenario or None, roles that may)
MATRIX = [
    # Areas
    ("core.access_workspace", None, {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("core.access_reports", None, {R.MANAGER, R.TEAM_LEADER, R.MUNICIPALITY_VIEWER}),
    # Report figures: managers all, team leaders their teams, municipality viewers theirs
    ("effects.view_figures_of_team", "own_team", {R.MANAGER, R.TEAM_LEADER, R.MUNICIPALITY_VIEWER}),
    ("effects.view_figures_of_team", "other_team", {R.MANAGER}),
    (
        "effects.view_figures_of_municipality",
        "own_municipality",
        {R.MANAGER, R.TEAM_LEADER, R.MUNICIPALITY_VIEWER},
    ),
    ("effects.view_figures_of_municipality", "other_municipality", {R.MANAGER, R.TEAM_LEADER}),
    (
        "effects.view_figures_of_area",
        "own_neighbourhood",
        {R.MANAGER, R.TEAM_LEADER, R.MUNICIPALITY_VIEWER},
    ),
    ("effects.view_figures_of_area", "other_neighbourhood", {R.MANAGER, R.TEAM_LEADER}),
    ("effects.view_unprotected_figures", None, {R.MANAGER, R.TEAM_LEADER}),
    ("effects.view_organisation_figures", None, {R.MANAGER}),
    ("effects.add_statisticsrun", None, {R.MANAGER}),
    ("core.access_admin", None, ADMIN),
    # Accounts: personal records
    ("accounts.view_user", "self", ALL_ROLES),
    ("accounts.view_user", "colleague_in_own_team", {R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("accounts.view_user", "user_in_other_team", ADMIN),
    ("accounts.view_user", "resident", ADMIN),
    ("accounts.change_user", "resident", ADMIN),
    ("accounts.add_user", None, ADMIN),
    ("accounts.delete_user", "resident", ADMIN),
    ("account.view_emailaddress", None, ADMIN),
    ("mfa.view_authenticator", None, ADMIN),
    ("mfa.delete_authenticator", None, ADMIN),
    ("mfa.add_authenticator", None, NOBODY),
    # Organisation: reference data
    ("organisation.view_municipality", "own_municipality", ORGANISATION | {R.MUNICIPALITY_VIEWER}),
    ("organisation.view_municipality", "other_municipality", ORGANISATION),
    ("organisation.change_municipality", "own_municipality", ADMIN),
    (
        "organisation.view_neighbourhood",
        "own_neighbourhood",
        ORGANISATION | {R.MUNICIPALITY_VIEWER},
    ),
    ("organisation.view_neighbourhood", "other_neighbourhood", ORGANISATION),
    ("organisation.add_neighbourhood", None, ADMIN),
    ("organisation.view_theme", "theme", ORGANISATION | {R.MUNICIPALITY_VIEWER}),
    ("organisation.change_theme", "theme", ADMIN),
    # Municipality reports: managers write and publish; a municipality's viewers download
    # the published ones of their own municipality; a published report never changes.
    ("core.access_municipality_reports", None, {R.MANAGER, R.MUNICIPALITY_VIEWER}),
    (
        "reports.view_municipalityreport",
        "own_municipality_published_report",
        {R.MANAGER, R.MUNICIPALITY_VIEWER},
    ),
    ("reports.view_municipalityreport", "own_municipality_draft_report", {R.MANAGER}),
    ("reports.view_municipalityreport", "other_municipality_published_report", {R.MANAGER}),
    ("reports.add_municipalityreport", None, {R.MANAGER}),
    ("reports.change_municipalityreport", "own_municipality_draft_report", {R.MANAGER}),
    ("reports.change_municipalityreport", "own_municipality_published_report", NOBODY),
    ("reports.publish_municipalityreport", "own_municipality_draft_report", {R.MANAGER}),
    ("reports.publish_municipalityreport", "own_municipality_published_report", NOBODY),
    ("reports.correct_municipalityreport", "own_municipality_published_report", {R.MANAGER}),
    ("reports.correct_municipalityreport", "own_municipality_draft_report", NOBODY),
    ("reports.delete_municipalityreport", "own_municipality_published_report", NOBODY),
    # The sector benchmark: managers only
    ("reports.view_benchmarkexport", None, {R.MANAGER}),
    ("reports.add_benchmarkexport", None, {R.MANAGER}),
    ("reports.view_benchmarkpeer", None, {R.MANAGER}),
    ("reports.add_benchmarkpeer", None, {R.MANAGER}),
    ("reports.delete_benchmarkpeer", None, {R.MANAGER}),
    ("reports.change_benchmarkexport", None, NOBODY),
    # What support likely prevented: the dossier's own team, once it is closed
    ("reports.add_preventedevent", "own_team_closed_dossier", CASEWORK),
    ("reports.add_preventedevent", "own_team_dossier", NOBODY),
    ("reports.add_preventedevent", "other_team_closed_dossier", NOBODY),
    # The what-if calculator's cost items: the functional administrator keeps them
    (
        "reports.view_costitem",
        None,
        {R.FUNCTIONAL_ADMIN, R.MANAGER, R.SOCIAL_WORKER, R.TEAM_LEADER},
    ),
    ("reports.add_costitem", None, ADMIN),
    ("reports.change_costitem", None, ADMIN),
    ("reports.delete_costitem", None, ADMIN),
    ("organisation.view_team", "own_team", TEAM_MEMBERS | {R.MANAGER, R.FUNCTIONAL_ADMIN}),
    ("organisation.view_team", "other_team", {R.MANAGER, R.FUNCTIONAL_ADMIN}),
    ("organisation.change_team", "own_team", ADMIN),
    (
        "organisation.view_teammembership",
        "own_team_membership",
        {R.TEAM_LEADER, R.FUNCTIONAL_ADMIN},
    ),
    ("organisation.view_teammembership", "other_team_membership", ADMIN),
    ("organisation.delete_teammembership", "own_team_membership", ADMIN),
    ("organisation.view_municipalitymembership", None, ADMIN),
    # Dossiers: personal records, for casework in the own team only
    ("dossiers.view_caseload", None, {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.view_today", None, {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.view_team_overview", None, {R.TEAM_LEADER}),
    ("dossiers.view_intake_queue", None, {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.handle_intakerequest", "own_team_intake", {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.handle_intakerequest", "other_team_intake", NOBODY),
    ("dossiers.add_dossier", None, {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.view_dossier", "own_team_dossier", {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.view_dossier", "other_team_dossier", NOBODY),
    ("dossiers.change_dossier", "own_team_dossier", {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.change_dossier", "other_team_dossier", NOBODY),
    ("dossiers.break_glass_dossier", "own_team_dossier", NOBODY),
    ("dossiers.break_glass_dossier", "other_team_dossier", {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.view_own_dossier", "own_team_dossier", {R.RESIDENT}),
    ("dossiers.view_own_dossier", "other_team_dossier", NOBODY),
    ("dossiers.view_own_dossier_area", None, {R.RESIDENT}),
    # The client ticks off their own actions of their own plan; nobody else's.
    ("dossiers.tick_own_action", "own_client_action", {R.RESIDENT}),
    ("dossiers.tick_own_action", "own_worker_action", NOBODY),
    ("dossiers.tick_own_action", "other_client_action", NOBODY),
    ("dossiers.tick_own_action", None, NOBODY),
    # The social map: read by everyone who works for the organisation, kept by the
    # functional administrator; referrals follow the dossier.
    ("socialmap.view_service", None, ORGANISATION),
    ("socialmap.change_service", None, ADMIN),
    ("socialmap.view_proposedchange", None, ADMIN),
    ("socialmap.change_proposedchange", None, ADMIN),
    ("socialmap.view_freshness", None, {R.MANAGER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("socialmap.add_referral", "own_team_dossier", CASEWORK),
    ("socialmap.add_referral", "other_team_dossier", NOBODY),
    ("socialmap.add_referral", "own_team_closed_dossier", CASEWORK),
    ("socialmap.view_referral", "own_team_dossier", CASEWORK),
    ("socialmap.view_referral", "other_team_dossier", NOBODY),
    # The footer's pages: their text kept by the functional administrator.
    ("portal.view_informationpage", None, ADMIN),
    ("portal.change_informationpage", None, ADMIN),
    ("portal.add_informationpage", None, NOBODY),
    ("portal.delete_informationpage", None, NOBODY),
    # Journeys: published ones need no permission to read; drafts are read and written by
    # staff who work with residents, published (and then changed) by those who publish.
    ("portal.view_journey", "draft_journey", {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("portal.add_journey", None, {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    (
        "portal.change_journey",
        "draft_journey",
        {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN},
    ),
    ("portal.change_journey", "published_journey", {R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("portal.publish_journey", "draft_journey", {R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("portal.delete_journey", "published_journey", {R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    # A request for help sent while logged in is followed by the resident who sent it.
    ("dossiers.follow_own_help_request", None, {R.RESIDENT}),
    # Secure messages: the client and their team; writing only while the dossier is open.
    ("portal.view_messagethread", "own_thread", {R.RESIDENT, *CASEWORK}),
    ("portal.view_messagethread", "other_thread", NOBODY),
    ("portal.view_messagethread", "closed_thread", CASEWORK),
    ("portal.add_message", "own_thread", {R.RESIDENT, *CASEWORK}),
    ("portal.add_message", "other_thread", NOBODY),
    ("portal.add_message", "closed_thread", NOBODY),
    ("portal.add_messagethread", "own_team_dossier", {R.RESIDENT, *CASEWORK}),
    ("portal.add_messagethread", "other_team_dossier", NOBODY),
    ("portal.add_messagethread", "own_team_closed_dossier", NOBODY),
    ("portal.view_own_messages", None, {R.RESIDENT}),
    # Activities: residents sign up; the organising team manages and sees who signed up.
    ("portal.add_signup", None, {R.RESIDENT}),
    ("portal.change_signup", "own_sign_up", {R.RESIDENT, *CASEWORK, R.FUNCTIONAL_ADMIN}),
    ("portal.change_signup", "other_sign_up", {R.FUNCTIONAL_ADMIN}),
    ("portal.add_activity", None, {*CASEWORK, R.FUNCTIONAL_ADMIN}),
    # A learning group's meeting: for the group, whoever runs it and the organising team
    (
        "portal.view_group_session",
        "own_group_session",
        {R.RESIDENT, *CASEWORK, R.FUNCTIONAL_ADMIN},
    ),
    ("portal.view_group_session", "other_group_session", {R.FUNCTIONAL_ADMIN}),
    ("portal.view_group_session", "own_team_activity", NOBODY),
    ("portal.change_activity", "own_team_activity", {*CASEWORK, R.FUNCTIONAL_ADMIN}),
    ("portal.change_activity", "other_team_activity", {R.FUNCTIONAL_ADMIN}),
    ("portal.view_signup", "own_team_activity", {*CASEWORK, R.FUNCTIONAL_ADMIN}),
    ("portal.view_signup", "other_team_activity", {R.FUNCTIONAL_ADMIN}),
    # Informal help: the resident who asked, the coordinators of its team; the volunteer
    # their own match. The scenario's social worker coordinates the own team's volunteers.
    ("portal.add_informalhelprequest", None, {R.RESIDENT}),
    ("portal.view_informalhelprequest", "own_informal_help", {R.RESIDENT, R.SOCIAL_WORKER}),
    ("portal.view_informalhelprequest", "other_informal_help", NOBODY),
    ("portal.add_volunteermatch", "own_informal_help", {R.SOCIAL_WORKER}),
    ("portal.add_volunteermatch", "other_informal_help", NOBODY),
    ("portal.view_volunteermatch", "own_match", {R.SOCIAL_WORKER, R.VOLUNTEER}),
    ("portal.view_volunteermatch", "other_match", NOBODY),
    ("portal.view_informal_help_queue", None, {R.SOCIAL_WORKER}),
    ("portal.view_own_matches", None, {R.VOLUNTEER}),
    # A resident's own data: the download and who looked.
    ("portal.view_own_data", None, {R.RESIDENT}),
    # Learning paths: drafts for those who write paths (published ones need no permission)
    (
        "learning.view_pathversion",
        "draft_path_version",
        {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN},
    ),
    ("learning.view_learningpath_area", None, {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("learning.add_learningpath", None, {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("learning.export_pathversion", None, {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    ("learning.publish_pathversion", "draft_path_version", {R.TEAM_LEADER, R.FUNCTIONAL_ADMIN}),
    (
        "learning.change_pathversion",
        "draft_path_version",
        {R.SOCIAL_WORKER, R.TEAM_LEADER, R.FUNCTIONAL_ADMIN},
    ),
    ("learning.change_pathversion", "published_path_version", NOBODY),
    # Enrolling: the resident themselves; a worker, a client of their team
    ("learning.add_enrolment", "learning_resident", {R.RESIDENT, R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("learning.add_enrolment", "other_resident", NOBODY),
    ("learning.view_enrolment", "own_enrolment", {R.RESIDENT, R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("learning.view_enrolment_list", None, {R.RESIDENT, R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("learning.enrol_self", None, {R.RESIDENT}),
    ("learning.view_enrolment", "other_enrolment", NOBODY),
    ("learning.change_enrolment", "own_enrolment", {R.RESIDENT}),
    ("learning.change_enrolment", "other_enrolment", NOBODY),
    ("learning.view_own_enrolments", None, {R.RESIDENT}),
    # Groups: run by their facilitator (and the team's leader); members take part
    ("learning.view_cohort_area", None, CASEWORK),
    ("learning.add_cohort", "own_team", CASEWORK),
    ("learning.add_cohort", "other_team", NOBODY),
    ("learning.view_cohort", "own_cohort", CASEWORK),
    ("learning.view_cohort", "other_cohort", NOBODY),
    ("learning.change_cohort", "own_cohort", CASEWORK),
    ("learning.change_cohort", "other_cohort", NOBODY),
    ("learning.add_post", "own_cohort", {R.SOCIAL_WORKER, R.TEAM_LEADER, R.RESIDENT}),
    ("learning.add_post", "other_cohort", NOBODY),
    ("dossiers.delete_dossier", "own_team_dossier", NOBODY),
    ("dossiers.break_glass_dossier", "no_such_dossier", NOBODY),
    ("dossiers.hold_dossier", "own_team_dossier", {R.TEAM_LEADER}),
    ("dossiers.hold_dossier", "other_team_dossier", NOBODY),
    ("dossiers.reassign_dossier", "own_team_dossier", {R.TEAM_LEADER}),
    ("dossiers.reassign_dossier", "other_team_dossier", NOBODY),
    ("dossiers.reassign_dossier", None, NOBODY),
    ("dossiers.request_explanation_dossier", "own_team_dossier", {R.TEAM_LEADER}),
    ("dossiers.request_explanation_dossier", "other_team_dossier", NOBODY),
    # Records inside a dossier follow their dossier; "add" is asked about the dossier.
    *[
        row
        for model in ("networkmember", "lifeevent", "attachment")
        for row in (
            (f"dossiers.view_{model}", f"own_team_{model}", CASEWORK),
            (f"dossiers.view_{model}", f"other_team_{model}", NOBODY),
            (f"dossiers.add_{model}", "own_team_dossier", CASEWORK),
            (f"dossiers.add_{model}", "other_team_dossier", NOBODY),
            (f"dossiers.change_{model}", f"own_team_{model}", CASEWORK),
            (f"dossiers.delete_{model}", f"own_team_{model}", CASEWORK),
            (f"dossiers.delete_{model}", f"other_team_{model}", NOBODY),
            (f"dossiers.view_{model}", None, NOBODY),
        )
    ],
    # API: partner systems only send referrals, to the teams they were set up for; people
    # read client records through a dossier of their own team.
    # Partner tokens: listed and revoked by a functional administrator; only the command
    # makes one (it shows the token once), and nobody deletes one.
    ("accounts.view_apitoken", None, ADMIN),
    ("accounts.change_apitoken", None, ADMIN),
    ("accounts.add_apitoken", None, NOBODY),
    ("accounts.delete_apitoken", None, NOBODY),
    ("dossiers.add_referral", None, {R.PARTNER_SYSTEM}),
    ("dossiers.refer_to_team", "own_team", {R.PARTNER_SYSTEM}),
    ("dossiers.refer_to_team", "other_team", NOBODY),
    ("dossiers.view_client", "own_team_client", {R.SOCIAL_WORKER, R.TEAM_LEADER}),
    ("dossiers.view_client", "other_team_client", NOBODY),
    ("dossiers.view_client", None, NOBODY),
    # ... and the resident whose record it is (own_team_client is theirs)
    ("dossiers.change_client", "own_team_client", {R.SOCIAL_WORKER, R.TEAM_LEADER, R.RESIDENT}),
    ("dossiers.change_client", "other_team_client", NOBODY),
    ("dossiers.delete_client", "own_team_client", NOBODY),
    # Access log: read and export, never write
    ("audit.view_accesslogentry", "log_entry", ADMIN),
    ("audit.export_accesslogentry", None, ADMIN),
    ("audit.add_accesslogentry", None, NOBODY),
    ("audit.change_accesslogentry", "log_entry", NOBODY),
    ("audit.delete_accesslogentry", "log_entry", NOBODY),
    # Anything the policy does not name
    ("dossiers.view_dossier", None, NOBODY),
    # Questionnaires: a resident's own scans; workers see them only while shared
    ("questionnaires.view_instrument", None, ALL_ROLES),
    ("questionnaires.add_response", None, {R.RESIDENT}),
    ("questionnaires.view_response", "private_scan", {R.RESIDENT}),
    ("questionnaires.view_response", "shared_scan", {R.RESIDENT} | CASEWORK),
    ("questionnaires.view_response", "other_team_shared_scan", NOBODY),
    ("questionnaires.view_response", "own_team_measurement", CASEWORK),
    ("questionnaires.view_response", "own_client_other_team_measurement", NOBODY),
    ("questionnaires.view_response", "other_team_measurement", NOBODY),
    ("questionnaires.change_response", "private_scan", {R.RESIDENT}),
    ("questionnaires.change_response", "completed_scan", NOBODY),
    ("questionnaires.change_response", "own_team_measurement", {R.SOCIAL_WORKER}),
    ("questionnaires.share_response", "private_scan", {R.RESIDENT}),
    ("questionnaires.share_response", "shared_scan", {R.RESIDENT}),
    ("questionnaires.add_assignment", "own_team_dossier", CASEWORK),
    ("questionnaires.add_assignment", "other_team_dossier", NOBODY),
    ("questionnaires.record_measurement", "own_team_dossier", CASEWORK),
    ("questionnaires.record_measurement", "other_team_dossier", NOBODY),
]


@pytest.fixture
def scenario(db):
    own_municipality = MunicipalityFactory()
    other_municipality = MunicipalityFactory()
    own_team = TeamFactory(municipality=own_municipality)
    other_team = TeamFactory(municipality=other_municipality)
    actors = {role: UserFactory(role=role) for role in Role}
    for role in TEAM_MEMBERS:
        TeamMembershipFactory(team=own_team, user=actors[role])
    MunicipalityMembershipFactory(municipality=own_municipality, user=actors[R.MUNICIPALITY_VIEWER])
    colleague = TeamMembershipFactory(team=own_team, user__role=R.SOCIAL_WORKER)
    stranger = TeamMembershipFactory(team=other_team, user__role=R.SOCIAL_WORKER)
    objects = {
        "own_municipality": own_municipality,
        "other_municipality": other_municipality,
        "own_neighbourhood": NeighbourhoodFactory(municipality=own_municipality),
        "other_neighbourhood": NeighbourhoodFactory(municipality=other_municipality),
        "own_team": own_team,
        "other_team": other_team,
        "own_team_membership": colleague,
        "other_team_membership": stranger,
        "colleague_in_own_team": colleague.user,
        "user_in_other_team": stranger.user,
        "resident": UserFactory(role=R.RESIDENT),
        "theme": Theme.objects.first(),
        "log_entry": AccessLogEntry.objects.create(action="read", object_type="accounts.user"),
        # The resident actor is the client of the dossier in the own team.
        "own_team_dossier": DossierFactory(team=own_team, client__account=actors[R.RESIDENT]),
        "other_team_dossier": DossierFactory(team=other_team),
        "own_team_intake": IntakeRequestFactory(team=own_team),
        "other_team_intake": IntakeRequestFactory(team=other_team),
    }
    PartnerSystemFactory(account=actors[R.PARTNER_SYSTEM], teams=[own_team])
    for side, team in (("own", own_team), ("other", other_team)):
        objects[f"{side}_team_closed_dossier"] = DossierFactory(
            team=team,
            status=Dossier.Status.CLOSED,
            ended_on=timezone.localdate(),
            closing_reason=Dossier.ClosingReason.GOALS_REACHED,
        )
    for side in ("own", "other"):
        objects[f"{side}_municipality_published_report"] = MunicipalityReport.objects.create(
            municipality=objects[f"{side}_municipality"],
            period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 1),
            status=MunicipalityReport.Status.PUBLISHED,
            file="municipality/report.pdf",
            checksum="0" * 64,
            published_at=timezone.now(),
        )
    objects["own_municipality_draft_report"] = MunicipalityReport.objects.create(
        municipality=own_municipality, period_start=date(2026, 7, 1), period_end=date(2026, 9, 1)
    )
    objects["own_team_client"] = objects["own_team_dossier"].client
    objects["other_team_client"] = objects["other_team_dossier"].client
    for side in ("own", "other"):
        dossier = objects[f"{side}_team_dossier"]
        objects[f"{side}_team_networkmember"] = NetworkMemberFactory(dossier=dossier)
        objects[f"{side}_team_lifeevent"] = LifeEventFactory(dossier=dossier)
        objects[f"{side}_team_attachment"] = Attachment(dossier=dossier, title="scan")
    for name, dossier_name in (
        ("own_thread", "own_team_dossier"),
        ("other_thread", "other_team_dossier"),
        ("closed_thread", "own_team_closed_dossier"),
    ):
        objects[name] = MessageThread.objects.create(dossier=objects[dossier_name], subject="Vraag")
    for side in ("own", "other"):
        starts = timezone.now() + timezone.timedelta(days=2)
        objects[f"{side}_team_activity"] = Activity.objects.create(
            team=objects[f"{side}_team_dossier"].team,
            title="Taalcafé",
            description="Samen oefenen.",
            place="Buurthuis",
            starts_at=starts,
            ends_at=starts + timezone.timedelta(hours=1),
            capacity=5,
        )
    objects["own_sign_up"] = SignUp.objects.create(
        activity=objects["own_team_activity"], resident=actors[R.RESIDENT], status="place"
    )
    objects["other_sign_up"] = SignUp.objects.create(
        activity=objects["other_team_activity"],
        resident=UserFactory(role=R.RESIDENT),
        status="place",
    )
    TeamMembership.objects.filter(user=actors[R.SOCIAL_WORKER]).update(coordinates_volunteers=True)
    for side, asker in (("own", actors[R.RESIDENT]), ("other", UserFactory(role=R.RESIDENT))):
        objects[f"{side}_informal_help"] = InformalHelpRequest.objects.create(
            resident=asker,
            team=objects[f"{side}_team_dossier"].team,
            kind="ride",
            description="Naar het ziekenhuis.",
            postcode="3811 AB",
        )
    objects["own_match"] = VolunteerMatch.objects.create(
        request=objects["own_informal_help"], volunteer=actors[R.VOLUNTEER]
    )
    objects["other_match"] = VolunteerMatch.objects.create(
        request=objects["other_informal_help"], volunteer=UserFactory(role=R.VOLUNTEER)
    )
    for status in ("draft", "published"):
        objects[f"{status}_journey"] = Journey.objects.create(
            theme=Theme.objects.first(),
            slug=f"vraag-{status}",
            question="Hoe kom ik uit de schulden?",
            summary="Met een plan.",
            status=status,
        )
    resident_client = objects["own_team_client"]
    own_goal = Goal.objects.create(dossier=objects["own_team_dossier"], question="Hoe?")
    other_goal = Goal.objects.create(dossier=objects["other_team_dossier"], question="Hoe?")
    objects["own_client_action"] = Action.objects.create(
        goal=own_goal, description="Brieven sorteren", owner=Action.Owner.CLIENT
    )
    objects["own_worker_action"] = Action.objects.create(
        goal=own_goal, description="Bellen", owner=Action.Owner.WORKER
    )
    objects["other_client_action"] = Action.objects.create(
        goal=other_goal, description="Brieven sorteren", owner=Action.Owner.CLIENT
    )
    objects["private_scan"] = ResponseFactory(respondent=actors[R.RESIDENT], client=resident_client)
    objects["shared_scan"] = ResponseFactory(
        respondent=actors[R.RESIDENT], client=resident_client, shared_with_worker=True
    )
    objects["completed_scan"] = ResponseFactory(
        respondent=actors[R.RESIDENT],
        client=resident_client,
        status=Response.Status.COMPLETED,
        started_at=timezone.now() - timezone.timedelta(minutes=10),
        completed_at=timezone.now(),
    )
    objects["other_team_shared_scan"] = ResponseFactory(
        client=objects["other_team_client"], shared_with_worker=True
    )
    for side in ("own", "other"):
        objects[f"{side}_team_measurement"] = ResponseFactory(
            client=objects[f"{side}_team_client"],
            dossier=objects[f"{side}_team_dossier"],
            mode=Response.Mode.BY_WORKER,
            recorded_by=actors[R.SOCIAL_WORKER],
        )
    # Our client, measured by another team in its own dossier: that team's record.
    objects["own_client_other_team_measurement"] = ResponseFactory(
        client=resident_client,
        dossier=DossierFactory(client=resident_client, team=other_team),
        mode=Response.Mode.BY_WORKER,
    )
    author = actors[R.TEAM_LEADER]
    objects["draft_path_version"] = path_import(actor=author, content=path_file())
    published = path_import(actor=author, content=path_file(path_data("gepubliceerd")))
    objects["published_path_version"] = version_publish(actor=author, version=published)
    # The resident actor is a client of the own team (own_team_dossier).
    objects["learning_resident"] = actors[R.RESIDENT]
    objects["other_resident"] = UserFactory(role=R.RESIDENT)
    # The social worker runs a group of the own team with the resident in it; a stranger
    # runs one of another team.
    for key, facilitator, team in (
        ("own", actors[R.SOCIAL_WORKER], own_team),
        ("other", stranger.user, other_team),
    ):
        objects[f"{key}_cohort"] = Cohort.objects.create(
            version=published,
            name=key,
            team=team,
            facilitator=facilitator,
            starts_on=date(2026, 1, 5),
        )
        starts = timezone.now() + timezone.timedelta(days=3)
        objects[f"{key}_group_session"] = Activity.objects.create(
            team=team,
            cohort=objects[f"{key}_cohort"],
            title="Bijeenkomst",
            description="We bespreken deel 1.",
            place="Online",
            starts_at=starts,
            ends_at=starts + timezone.timedelta(hours=1),
            capacity=12,
        )
    for key, learner in (("own", actors[R.RESIDENT]), ("other", objects["other_resident"])):
        objects[f"{key}_enrolment"] = Enrolment.objects.create(
            path=published.path, version=published, learner=learner, cohort=objects[f"{key}_cohort"]
        )
    return actors, objects


def _cases():
    for permission, obj, allowed in MATRIX:
        for role in Role:
            yield pytest.param(
                permission, obj, role, role in allowed, id=f"{permission}-{obj}-{role.value}"
            )


@pytest.mark.parametrize(("permission", "obj_key", "role", "expected"), list(_cases()))
def test_policy_matrix(scenario, permission, obj_key, role, expected):
    actors, objects = scenario
    actor = actors[role]
    obj = actor if obj_key == "self" else objects.get(obj_key)

    assert policy.can(actor, permission, obj) is expected
    # The admin, DRF and templates ask through Django's has_perm: same answer.
    assert actor.has_perm(permission, obj) is expected


@pytest.mark.parametrize(("permission", "obj_key", "allowed"), MATRIX)
def test_anonymous_and_inactive_users_are_always_refused(scenario, permission, obj_key, allowed):
    actors, objects = scenario
    obj = objects.get(obj_key)
    assert policy.can(AnonymousUser(), permission, obj) is False

    admin = actors[R.FUNCTIONAL_ADMIN]
    admin.is_active = False
    assert policy.can(admin, permission, obj) is False


def test_every_role_appears_in_the_matrix_with_a_yes_and_a_no():
    for role in Role:
        allowed = [row for row in MATRIX if role in row[2]]
        refused = [row for row in MATRIX if role not in row[2]]
        assert allowed, f"{role} is allowed nothing"
        assert refused, f"{role} is refused nothing"


def test_django_model_permissions_cannot_bypass_the_policy(scenario):
    """Groups and user permissions are ignored: only the policy grants."""
    from django.contrib.auth.models import Permission

    actors, _ = scenario
    worker = actors[R.SOCIAL_WORKER]
    worker.user_permissions.add(Permission.objects.get(codename="view_accesslogentry"))
    worker = type(worker).objects.get(pk=worker.pk)
    assert worker.has_perm("audit.view_accesslogentry") is False


def test_superuser_flag_is_refused_by_the_database(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(is_superuser=True)
