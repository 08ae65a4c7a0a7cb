from apps.accounts import policy


def navigation(request):
    """Which areas the user may open, decided by the policy, for the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "workspace": policy.can(user, "core.access_workspace"),
            "client_map": policy.can(user, "dossiers.view_caseload"),
            "today": policy.can(user, "dossiers.view_today"),
            "reports": policy.can(user, "core.access_reports"),
            "admin": policy.can(user, "core.access_admin"),
            "access_log": policy.can(user, "audit.view_accesslogentry"),
            "team_overview": policy.can(user, "dossiers.view_team_overview"),
            "intake": policy.can(user, "dossiers.view_intake_queue"),
            "social_map": policy.can(user, "socialmap.view_service"),
            "journeys": policy.can(user, "portal.view_journey"),
            "learning_paths": policy.can(user, "learning.view_learningpath_area"),
            "activities": policy.can(user, "portal.view_activity_area"),
            "informal_help": policy.can(user, "portal.view_informal_help_queue"),
            "volunteer_matches": policy.can(user, "portal.view_own_matches"),
            "my_support": policy.can(user, "dossiers.view_own_dossier_area"),
            "messages": policy.can(user, "portal.view_own_messages"),
            "my_data": policy.can(user, "portal.view_own_data"),
            "staff_survey": policy.can(user, "questionnaires.fill_staff_survey"),
        }
    }
