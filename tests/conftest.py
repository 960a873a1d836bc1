import fcntl
import os
from pathlib import Path

import pytest

from tests.browser import (
    copy_prepared,
    launch,
    prepare_server,
    prepared_env,
    start_server,
    stop,
)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-results"


@pytest.fixture(scope="session")
def prepared_county(tmp_path_factory, worker_id, django_db_setup):
    """On SQLite, migrate, collectstatic and demo run once per test run: the first worker to need
    the county prepares it under a lock, the others wait for it (about 15 s of CPU a worker
    saved, which the runs beside this one use). Each module's server starts on a fresh copy of
    the result (tests.browser.copy_prepared). After this worker's test database
    (django_db_setup): the county's migrate then starts from the run's migrated copy
    (tests/dbtemplate.py)."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return None
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the run's own directory, shared by its xdist workers
    target = root / "prepared-county"
    with open(root / "prepared-county.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "ready").exists():
            target.mkdir(exist_ok=True)
            prepare_server(target, worker_id)
            (target / "ready").touch()
    return prepared_env(target)


@pytest.fixture(scope="module")
def server(tmp_path_factory, worker_id, prepared_county):
    tmp = tmp_path_factory.mktemp("server")
    if prepared_county is None:
        proc, url = start_server(tmp, worker_id)
    else:
        proc, url = launch(copy_prepared(prepared_county, tmp), tmp)
    yield url
    stop(proc)


@pytest.fixture(scope="session")
def _chromium():
    """One Chromium (and one Playwright driver) per worker, started by the worker's first browser
    module: a launch costs about 2.5 s of CPU, and 22 modules each started their own.

    While Playwright's sync API is started its event loop counts as running in the test thread,
    and Django then refuses every database call of the tests after it on that worker
    (SynchronousOnlyOperation: "You cannot call this from an async context"; a session-scoped
    browser without the setting below did that to 1,996 tests). The project has no async code,
    so the check guards nothing here: it is switched off in the test processes only (not in the
    servers the browser tests start: tests.browser._server_env), as Django's documentation
    suggests for such a case."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def browser(_chromium):
    """The worker's Chromium; each test opens contexts of its own (new_page), so nothing a module
    signs in to or stores is seen by the next. What a module left open is closed after it."""
    yield _chromium
    for context in _chromium.contexts:
        context.close()


@pytest.fixture
def new_page(browser, request):
    """new_page() -> a page of its own (one per signed-in person); when the test fails, every
    page it opened is saved as a screenshot in test-results/."""
    contexts = []

    def make():
        context = browser.new_context(locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "rep_call", None)
    for n, context in enumerate(contexts):
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = f"{request.node.name}-{n}.png" if n else f"{request.node.name}.png"
            for pg in context.pages:
                pg.screenshot(path=str(ARTIFACTS / name), full_page=True)
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
