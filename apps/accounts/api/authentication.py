from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from apps.accounts.models import ApiToken
from apps.core import request_context

# Longer than any token we issue, short enough that hashing it costs nothing.
MAX_TOKEN_LENGTH = 200


class PartnerTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>` for partner systems only (apps.accounts.models.ApiToken).

    People sign in with two steps (staff) through the pages and use the API with that
    session; a token would skip the second step, so a person's account never has one.
    Every refusal is a 401 that says why, and changes nothing.
    """

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _space, token = header.strip().partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None  # another scheme, or none: the session may still sign the request in
        token = token.strip()
        if not token or " " in token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise AuthenticationFailed(
                _("Send the header as Authorization: Token <token>, with the whole token."),
                code="token_malformed",
            )
        return self.authenticate_credentials(token)

    def authenticate_credentials(self, key):
        try:
            found = ApiToken.objects.select_related("partner__account").get(
                digest=ApiToken.digest_of(key)
            )
        except ApiToken.DoesNotExist:
            raise AuthenticationFailed(
                _("This API token is not valid."), code="token_invalid"
            ) from None
        if found.is_revoked:
            raise AuthenticationFailed(
                _("This API token has been revoked. Ask the organisation for a new one."),
                code="token_revoked",
            )
        now = timezone.now()
        if found.is_expired(now=now):
            expired_on = formats.date_format(timezone.localtime(found.expires_at), "j F Y")
            raise AuthenticationFailed(
                _("This API token expired on %(date)s. Ask the organisation for a new one.")
                % {"date": expired_on},
                code="token_expired",
            )
        user = found.partner.account
        if not user.is_active:
            raise AuthenticationFailed(
                _("The account of this API token is switched off."), code="inactive"
            )
        if not user.is_partner_system:
            raise AuthenticationFailed(
                _("API tokens are only for partner systems."), code="not_a_partner"
            )
        found.mark_used(now=now)
        request_context.actor_set(user)
        return user, found
