from allauth.account.models import EmailAddress
from django.db import transaction

from apps.accounts.models import Role, User


@transaction.atomic
def user_create(
    *,
    email: str,
    role: Role = Role.RESIDENT,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email_verified: bool = False,
) -> User:
    """Create an account with its allauth e-mail record.

    Accounts made by an administrator (staff) arrive with a verified address; residents
    who sign up themselves verify theirs through allauth.
    """
    user = User.objects.create_user(
        email=email, password=password, role=role, first_name=first_name, last_name=last_name
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user
