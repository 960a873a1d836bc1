"""Announcements of the workdays app. Higher apps listen; this app imports none of them."""

from django.dispatch import Signal

# Sent after commit when a year's schedule or a day changed. Arguments: years (set[int]),
# revision (int). The case workflow listens and recomputes the open deadlines that touch them.
calendar_changed = Signal()
