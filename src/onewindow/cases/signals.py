from django.dispatch import Signal

# Sent after commit for every move: case_id, action, state. Supervision and the provincial
# exchange listen.
case_moved = Signal()
