"""A refused request is one line in the log; a server error keeps its traceback."""

import logging
import sys

from onewindow.web.logfilters import NoTracebackBelow500


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("denied")
    except PermissionError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",), exc_info
    )
    record.status_code = status
    return record


def test_a_403_loses_its_traceback_a_500_keeps_it():
    flt = NoTracebackBelow500()
    refused, failed = _record(403), _record(500)
    assert flt.filter(refused) and flt.filter(failed)
    assert refused.exc_info is None
    assert failed.exc_info is not None
    assert "Traceback" in logging.Formatter().format(failed)
    assert "Traceback" not in logging.Formatter().format(refused)
