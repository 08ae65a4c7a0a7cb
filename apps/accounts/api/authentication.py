from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from apps.core import request_context


class PartnerTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` for partner systems only.

    People sign in with two steps (staff) through the pages and use the API with that
    session; a token would skip the second step, so a person's token is refused.
    """

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not user.is_partner_system:
            raise AuthenticationFailed(_("API tokens are only for partner systems."))
        request_context.actor_set(user)
        return user, token
