"""Browser: every page of every role passes axe-core with no serious or critical violation
(issue 17 item 7). For each demo login, its home and every page its navigation offers, then every
page reached from those by the links in <main> (one case page for each list that links to cases),
and the public guide, search, item, 一件事, login and error pages (tests/a11y_walk.py).

The walk is shared by the module's tests: a page of a shape and make-up already audited for an
earlier login is not audited again, so each test reports what is new on its login's pages."""

import re

import pytest

from tests.a11y_walk import LOGINS, Walk

# One walk, on one worker: split over workers, each would audit every page shape again.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("a11y")]


@pytest.fixture(autouse=True)
def _one_worker(request):
    """Under `--dist loadgroup` xdist marks each test of the group in its id; without the mark
    the walk is spread over every worker, each auditing the pages again (pytest 9.2 with
    pytest-xdist 3.8 did so silently: pyproject.toml pins pytest below 9.2)."""
    if getattr(request.config.option, "loadgroup", False):  # an xdist worker under loadgroup
        assert request.node.nodeid.endswith("@a11y"), (
            f"{request.node.nodeid}: --dist loadgroup did not keep the walk on one worker"
        )


@pytest.fixture(scope="module")
def walk(server):
    return Walk(server)


def _check(walk: Walk, run) -> None:
    found, errors = set(walk.found), len(walk.errors)
    run()
    new = Walk(walk.server)
    new.found = {k: v for k, v in walk.found.items() if k not in found}
    broken = [e for e in walk.errors[errors:] if "HTTP 5" in e]
    assert not new.found and not broken, (
        "axe-core's serious and critical violations (page, rule, elements):\n"
        + new.report()
        + "".join(f"\n{e}" for e in broken)
    )


def test_public_pages(walk, browser):
    _check(walk, lambda: walk.public(browser))
    assert any(a.startswith("public /guide/items/") for a in walk.opened)
    assert "public /accounts/login/" in walk.opened
    assert "public /accounts/register/" in walk.opened  # and 找回密码: issue 21


@pytest.mark.parametrize("login", list(LOGINS))
def test_pages_of(walk, browser, login):
    _check(walk, lambda: walk.login(browser, login))
    if login == "clerk":  # the first login: its work queues led to their cases' pages
        cases = {o for o in walk.opened if re.fullmatch(r"clerk /cases/\d+/", o)}
        assert len(cases) >= 3, walk.opened


def test_pages_of_admin(walk, browser):
    """The system administrator's navigation: the pages of ours, not Django's admin."""
    _check(walk, lambda: walk.login(browser, "admin", deep=False))
