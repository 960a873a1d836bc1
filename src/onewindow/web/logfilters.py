"""Log filters for the hall's log."""

import logging


class NoTracebackBelow500(logging.Filter):
    """A refused request (403, 404, 400) is one line: Django's request logger attaches the
    exception, and a hall's log filled with a traceback for every 403 hides the 500s that
    matter. A 500 keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
