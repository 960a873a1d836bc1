from onewindow.workdays import ensure_fresh


class CalendarFreshnessMiddleware:
    """Pick up calendar edits made by other processes (at most one small query every 2 s)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ensure_fresh()
        return self.get_response(request)
