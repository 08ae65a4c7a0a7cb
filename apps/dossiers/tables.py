"""The table names that the plain-SQL reads (team_figures, worker_reads) write into their
statements, taken from the models so that a renamed table cannot be missed."""

from apps.accounts.models import User
from apps.dossiers.models import (
    Action,
    Attachment,
    BreakGlassAccess,
    Client,
    ContactMoment,
    Dossier,
    Goal,
    IntakeRequest,
    RegisteredQuestion,
)
from apps.organisation.models import Neighbourhood, Team, TeamMembership, Theme

ACTION = Action._meta.db_table
ATTACHMENT = Attachment._meta.db_table
BREAK_GLASS = BreakGlassAccess._meta.db_table
CLIENT = Client._meta.db_table
CONTACT = ContactMoment._meta.db_table
DOSSIER = Dossier._meta.db_table
GOAL = Goal._meta.db_table
INTAKE = IntakeRequest._meta.db_table
MEMBERSHIP = TeamMembership._meta.db_table
NEIGHBOURHOOD = Neighbourhood._meta.db_table
QUESTION = RegisteredQuestion._meta.db_table
TEAM = Team._meta.db_table
THEME = Theme._meta.db_table
USER = User._meta.db_table
