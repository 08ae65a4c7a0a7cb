"""Demo accounts: one per role with a known password, and bulk users for the large set."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password

from apps.accounts.models import PartnerSystem, Role, User
from apps.accounts.services import user_create
from apps.core.demo import DemoRun, demo_step
from apps.organisation.models import MunicipalityMembership, TeamMembership

DEMO_PASSWORD = "Buurtkompas-demo-2026"  # noqa: S105 (published demo login)
# Base32; add it to any authenticator app (or `oathtool --totp -b BUURTKOMPASDEMO2`).
DEMO_TOTP_SECRET = "BUURTKOMPASDEMO2"  # noqa: S105
DEMO_DOMAIN = "demo.buurtkompas.nl"
# A GP's system that sends referrals to the first team. No password: it gets an API token
# from `manage.py create_api_token` (README, "REST API").
DEMO_PARTNER_EMAIL = f"huisarts-koppeling@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    first_name: str
    last_name: str


DEMO_ACCOUNTS = [
    DemoAccount(f"inwoner@{DEMO_DOMAIN}", Role.RESIDENT, "Fatima", "El Amrani"),
    DemoAccount(f"vrijwilliger@{DEMO_DOMAIN}", Role.VOLUNTEER, "Henk", "de Groot"),
    DemoAccount(f"sociaalwerker@{DEMO_DOMAIN}", Role.SOCIAL_WORKER, "Sanne", "Jansen"),
    DemoAccount(f"teamleider@{DEMO_DOMAIN}", Role.TEAM_LEADER, "Ahmed", "Bakker"),
    DemoAccount(f"manager@{DEMO_DOMAIN}", Role.MANAGER, "Ingrid", "Visser"),
    DemoAccount(f"gemeente@{DEMO_DOMAIN}", Role.MUNICIPALITY_VIEWER, "Pieter", "van Dijk"),
    DemoAccount(f"beheerder@{DEMO_DOMAIN}", Role.FUNCTIONAL_ADMIN, "Noor", "Smit"),
]

# Colleagues per team for the small set; the large set multiplies this.
STAFF_PER_TEAM = {"small": 4, "large": 10}
RESIDENTS = {"small": 40, "large": 20_000}


def seed_demo_accounts(*, organisation) -> list[DemoAccount]:
    """The named demo accounts; staff get the demo TOTP secret so a tester can log in."""
    first_team = organisation.teams[0]
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = user_create(
                email=account.email,
                role=account.role,
                password=DEMO_PASSWORD,
                first_name=account.first_name,
                last_name=account.last_name,
                email_verified=True,
            )
        if account.role in (Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.TEAM_LEADER):
            TeamMembership.objects.get_or_create(team=first_team, user=user)
        if account.role == Role.MUNICIPALITY_VIEWER:
            MunicipalityMembership.objects.get_or_create(
                municipality=first_team.municipality, user=user
            )
        if user.requires_mfa and not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
    partner_account = User.objects.filter(email=DEMO_PARTNER_EMAIL).first() or user_create(
        email=DEMO_PARTNER_EMAIL, role=Role.PARTNER_SYSTEM, email_verified=True
    )
    partner, _created = PartnerSystem.objects.get_or_create(
        account=partner_account,
        defaults={"name": "Huisartsenpraktijk De Linde (demo)", "kind": PartnerSystem.Kind.GP},
    )
    partner.teams.add(first_team)
    return DEMO_ACCOUNTS


def seed_bulk_users(*, organisation, size: str, faker) -> None:
    """Colleagues in every team and resident accounts, inserted in bulk.

    They share one password hash: hashing thousands of passwords would take minutes.
    """
    password = make_password(DEMO_PASSWORD)
    users = []
    memberships_plan = []
    for team_number, team in enumerate(organisation.teams):
        for member in range(STAFF_PER_TEAM[size]):
            email = f"medewerker{team_number:03d}-{member:02d}@{DEMO_DOMAIN}"
            role = Role.TEAM_LEADER if member == 0 else Role.SOCIAL_WORKER
            users.append(_bulk_user(email, role, password, faker))
            memberships_plan.append((email, team))
    for number in range(RESIDENTS[size]):
        users.append(
            _bulk_user(f"inwoner{number:05d}@{DEMO_DOMAIN}", Role.RESIDENT, password, faker)
        )

    User.objects.bulk_create(users, batch_size=2000, ignore_conflicts=True)
    ids = dict(User.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk"))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=ids[u.email], email=u.email, primary=True, verified=True)
            for u in users
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    TeamMembership.objects.bulk_create(
        [TeamMembership(user_id=ids[email], team=team) for email, team in memberships_plan],
        batch_size=2000,
        ignore_conflicts=True,
    )


def _bulk_user(email, role, password, faker) -> User:
    return User(
        email=email,
        role=role,
        password=password,
        first_name=faker.first_name(),
        last_name=faker.last_name(),
    )


@demo_step("accounts", after=("organisation",))
def _seed(run: DemoRun) -> list[DemoAccount]:
    organisation = run.made["organisation"]
    accounts = seed_demo_accounts(organisation=organisation)
    seed_bulk_users(organisation=organisation, size=run.size, faker=run.faker)
    run.report.append(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    run.report.extend(f"  {account.role.label:<26} {account.email}" for account in accounts)
    run.report.append(
        f"Staff accounts ask for a TOTP code; authenticator secret: {DEMO_TOTP_SECRET}"
    )
    return accounts
