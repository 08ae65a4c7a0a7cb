from allauth.mfa.models import Authenticator
from django import template

register = template.Library()


@register.filter
def has_security_key(user) -> bool:
    """Whether to offer "use a security key" at the second step: only to those who have one."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()
