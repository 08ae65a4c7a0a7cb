from allauth.account.auth_backends import AuthenticationBackend

from apps.accounts import policy


class PolicyAuthenticationBackend(AuthenticationBackend):
    """allauth's e-mail login, with every permission answered by the policy module.

    Django's model permissions (groups, user permissions) are ignored on purpose, so the
    admin, DRF and templates all ask the same rules.
    """

    def authenticate(self, request, **credentials):
        """A partner system has no password login: it uses an API token (see README)."""
        user = super().authenticate(request, **credentials)
        if user is not None and user.is_partner_system:
            return None
        return user

    def has_perm(self, user_obj, perm, obj=None):
        return policy.can(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        return policy.can(user_obj, "core.access_admin")

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()
