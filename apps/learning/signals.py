"""Moments in a learner's path that other apps act on, without this app knowing them.

Sent inside the transaction of the change: a receiver's writes commit or roll back with it.
"""

from django.dispatch import Signal

# A facilitator has just offered a member help (extra material or a call). Arguments:
# offer, actor.
help_offered = Signal()
