"""Moments in a dossier's life that other apps act on, without the dossiers app knowing them.

Sent inside the transaction of the change: a receiver's writes commit or roll back with it.
"""

from django.dispatch import Signal

# A dossier has just closed. Arguments: dossier, actor.
dossier_closed = Signal()

# A request for help has just become a dossier. Arguments: intake, dossier, actor.
intake_converted = Signal()

# A request (to delete data) has just been answered in writing. Arguments: intake, actor.
intake_answered = Signal()
