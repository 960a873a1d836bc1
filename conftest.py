"""Suite-wide fixtures: demo data loaded once per test database, logins per role, and a real
server process for browser tests."""

import copy
import importlib.util
import os
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from onewindow.org.roles import RoleCode

# One demo login per role (see onewindow.demo.county.DEMO_LOGINS).
ROLE_LOGIN = {
    RoleCode.SYSADMIN: "admin",
    RoleCode.SUPERVISOR: "inspector",
    RoleCode.REFORM_OFFICE: "reform",
    RoleCode.HALL_MANAGER: "hallmgr",
    RoleCode.WINDOW_SUPERVISOR: "winsup",
    RoleCode.TEAM_LEADER: "teamlead",
    RoleCode.WINDOW_CLERK: "clerk",
    RoleCode.DEPT_REVIEWER: "reviewer",
    RoleCode.APPLICANT: "applicant",
}


# The instant every test run starts at, unless ONEWINDOW_TEST_NOW says otherwise: an ordinary
# Wednesday in a year whose holiday schedule is entered. scripts/run-tests also runs the
# date-sensitive tests (marker `dates`) on the first of a month, on the last working day before a
# holiday and on 31 December (docs/decisions.md).
TEST_NOW = "2026-11-18T10:00:00+08:00"
CLOCK_DIR = Path(__file__).resolve().parent / "tests" / "clock"


def pytest_configure(config):
    """Put this process, and every process a test starts, on the suite's travelled clock."""
    os.environ.setdefault("ONEWINDOW_TEST_NOW", TEST_NOW)
    os.environ.setdefault("ONEWINDOW_TEST_CLOCK_SET_AT", repr(time.time()))
    paths = [str(CLOCK_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    clock = sys.modules.get("sitecustomize")
    if not hasattr(clock, "start"):  # this process did not start with tests/clock on its path
        spec = importlib.util.spec_from_file_location(
            "onewindow_test_clock", CLOCK_DIR / "sitecustomize.py"
        )
        clock = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(clock)  # starts the travel


@pytest.fixture(scope="session", autouse=True)
def _fast_hashing():
    # Argon2 is deliberately slow; the tests that check hashing ask for it explicitly.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    # Pages render without a collectstatic manifest (the browser tests' server builds one).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """Each worker's test database, migrated (on SQLite from the run's migrated copy:
    tests/dbtemplate.py), with the Taojiang demo organisation loaded once. pytest-django's own
    fixture, less the options the suite does not use (--reuse-db, --nomigrations, serialized
    rollback: no test asks for it)."""
    from django.test.utils import setup_databases, teardown_databases

    from onewindow.demo import catalogue, county, letters
    from tests.dbtemplate import migrated

    with django_db_blocker.unblock():
        with migrated():
            databases = setup_databases(
                verbosity=request.config.option.verbose,
                interactive=False,
                aliases={"default"},
                serialized_aliases=set(),
            )
        county.load()
        catalogue.load()
        letters.load()
    yield
    with django_db_blocker.unblock():
        teardown_databases(databases, verbosity=request.config.option.verbose)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction open for the whole module, for what a module builds once for all its tests
    (as Django's TestCase.setUpTestData): a module-scoped fixture that asks for this one writes
    inside it; each test then runs in a savepoint of it and is rolled back as usual, and the
    module's data is rolled back after its last test. Hand each test a copy of the module's
    objects (`copy.deepcopy`, as setUpTestData does), so that what one test changes in memory
    is not seen by the next. A module that builds a desk per test pays about 120 ms a test
    (docs/BENCHMARKS.md «Test suite»)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def _module_desk(module_db):
    from onewindow.testing.factories import DeskFactory

    return DeskFactory()


@pytest.fixture
def _desk(db, _module_desk):
    """A copy of the module's desk (`module_db`), for this test."""
    return copy.deepcopy(_module_desk)


@pytest.fixture
def desk(_desk):
    """One unit's working set (testing.factories.DeskFactory), built once per module: each test
    has its own copy and its writes are rolled back. A module or package that needs another
    desk, or one per test, defines its own `desk`."""
    return _desk


@pytest.fixture
def login(client):
    """login(role_or_username) -> the test client signed in as that demo user."""
    from onewindow.org.models import User

    def _login(who: str):
        username = ROLE_LOGIN.get(who, who)
        client.force_login(User.objects.get(username=username))
        return client

    return _login


# Modules whose tests count working days, light or rate cases, or appraise a period from "now":
# scripts/run-tests runs them (marker `dates`) again with the clock on three awkward dates.
DATE_SENSITIVE = (
    # not test_arithmetic.py: explicit dates against chinesecalendar; the calendar reads no clock
    "src/onewindow/workdays/tests/test_deadlines.py",
    "src/onewindow/workdays/tests/test_i15_12_yellow_rule.py",
    "src/onewindow/workdays/tests/test_services.py",
    "src/onewindow/workdays/tests/test_views.py",
    "src/onewindow/cases/tests/test_workflow.py",
    "src/onewindow/cases/tests/test_combined.py",
    # of issue 15's case modules, those that count from today; the others pin their day (DAY,
    # a travelled NOW) and prove the same on every clock
    "src/onewindow/cases/tests/test_i15_10_rongque.py",
    "src/onewindow/cases/tests/test_i15_11_time_left.py",
    "src/onewindow/cases/tests/test_i15_15_provisional.py",
    "src/onewindow/cases/tests/test_i15_16_combined_due_date.py",
    "src/onewindow/cases/tests/test_queues.py",  # due soon, 容缺 deadlines, receipts: from today
    "src/onewindow/demo/tests/test_window_day.py",  # the demo's previous working day
    "src/onewindow/web/tests/test_nav_queues.py",
    "src/onewindow/supervision/tests/",
    "src/onewindow/demo/tests/test_history.py",
    "src/onewindow/portal/tests/test_my_cases.py",
    "src/onewindow/mandates/tests/",
    "src/onewindow/org/tests/test_leave_and_changes.py",
    "src/onewindow/reform/tests/test_timetable.py",
    "src/onewindow/reform/tests/test_inspection.py",
    "src/onewindow/reform/tests/test_checks.py",
    "src/onewindow/reform/tests/test_scorecard.py",
    "src/onewindow/reform/tests/test_report.py",
    "src/onewindow/reform/tests/test_attachments.py",
    "src/onewindow/reform/tests/test_submissions.py",
    "src/onewindow/reform/tests/test_filings.py",
    "src/onewindow/demo/tests/test_reform.py",
    "tests/test_clock.py",
)


# Fixtures through which a test reaches the suite's database (pytest-django's).
DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}
# Tests that reach the suite's database engine without those fixtures: a served county of its own
# on the same engine. They run on PostgreSQL too.
ENGINE_WITHOUT_DB_FIXTURE = ("tests/test_crash.py",)


def _needs_the_engine(item, path: str) -> bool:
    if path.startswith(ENGINE_WITHOUT_DB_FIXTURE) or item.get_closest_marker("postgres"):
        return True
    if "browser" in item.keywords:
        return False  # decision 52 in docs/decisions.md: browser tests run on SQLite only
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db") or fixtures & DB_FIXTURES)


def pytest_collection_modifyitems(config, items):
    chromium = os.path.exists("/usr/bin/chromium")
    root = Path(__file__).resolve().parent
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    kept, deselected = [], []
    for item in items:
        path = Path(item.path).relative_to(root).as_posix()
        if on_postgres and not _needs_the_engine(item, path):
            # the SQLite run ran it; on PostgreSQL it would run the same code again
            deselected.append(item)
            continue
        kept.append(item)
        if path.startswith(DATE_SENSITIVE):
            item.add_marker(pytest.mark.dates)
        if "browser" in item.keywords and not chromium:
            if os.environ.get("CI") == "true":
                continue  # the browser fixture fails loudly instead
            item.add_marker(pytest.mark.skip(reason="/usr/bin/chromium missing"))
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    items[:] = sorted(kept, key=_longest_first)
    config.stash[_DESELECTED] = len(deselected)
    if hasattr(config, "workeroutput"):  # an xdist worker: tell the controller
        config.workeroutput["onewindow_deselected"] = len(deselected)


_DESELECTED = pytest.StashKey[int]()

# The longest work first, so that no worker is left running it alone at the end (xdist hands out
# tests in this order): the accessibility walk (one group on one worker, `--dist loadgroup`,
# about a third of the browser tests' time), the crash test, the other browser tests, then the
# modules of long tests (measured with --durations, docs/BENCHMARKS.md «Test suite»). The sort is
# stable: a module's tests stay together and in their order.
LONGEST_FIRST = (
    "tests/test_browser_a11y.py",
    "tests/test_crash.py",
    "tests/test_browser_",
    "src/onewindow/web/tests/test_api_fuzz.py",
    "src/onewindow/demo/tests/test_history.py",
    "src/onewindow/web/tests/test_nav_queues.py",
)


def _longest_first(item) -> int:
    path = item.nodeid
    return next((n for n, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)), 99)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist controller: every worker collects (and deselects) the same tests."""
    count = getattr(node, "workeroutput", {}).get("onewindow_deselected")
    if count is not None:
        node.config.stash[_DESELECTED] = count


def pytest_terminal_summary(terminalreporter, config):
    count = config.stash.get(_DESELECTED, 0)
    if count:
        terminalreporter.write_line(
            f"PostgreSQL run: {count} tests deselected (no database, or browser tests; "
            "the SQLite run ran them)"
        )


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    """Each test reads the supervision thresholds of its own database state."""
    from onewindow.supervision.models import forget_cached_rule

    forget_cached_rule()
    yield
    forget_cached_rule()


@pytest.fixture(autouse=True)
def _calendar_checked_only_on_purpose(monkeypatch):
    """The calendar's freshness check (one query per request, at most every FRESHNESS_SECONDS
    of the real monotonic clock) would make query counts depend on how fast the machine runs
    the test: the first request of a test found the last check over 2 s old on a busy CI
    machine and made one query more than the next. In the suite it runs only where a test
    makes the calendar stale on purpose (workdays' and the jobs' freshness tests)."""
    import math

    from onewindow import workdays

    monkeypatch.setattr(workdays, "FRESHNESS_SECONDS", math.inf)
    # A test that changed the calendar in memory (it entered a year, then rolled back) must not
    # leave it to the next test on this worker, which the freshness check no longer catches: the
    # next use loads the calendar of the next test's own data.
    at_start = workdays._calendar
    yield
    if workdays._calendar is not at_start:
        workdays._calendar = None


@pytest.fixture(autouse=True)
def _county_name_of_this_tests_data():
    """The county name is cached a minute (org.selectors.county_name); a test that adds or
    renames counties must not leave its name to the next test, whose data was rolled back."""
    from django.core.cache import cache

    from onewindow.org.selectors import COUNTY_CACHE_KEY

    cache.delete(COUNTY_CACHE_KEY)
    yield
    cache.delete(COUNTY_CACHE_KEY)
