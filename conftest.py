"""Suite-wide fixtures: demo data loaded once per test database, logins per role, and a real
server process for browser tests."""

import os

import pytest
from django.conf import settings

from onewindow.org.roles import RoleCode

# One demo login per role (see onewindow.org.demo.DEMO_LOGINS).
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
def django_db_setup(django_db_setup, django_db_blocker):
    """The Taojiang demo organisation, loaded once into each worker's test database."""
    from onewindow.catalog import demo as catalog_demo
    from onewindow.mandates import demo as mandates_demo
    from onewindow.org import demo

    with django_db_blocker.unblock():
        demo.load()
        catalog_demo.load()
        mandates_demo.load()


@pytest.fixture
def login(client):
    """login(role_or_username) -> the test client signed in as that demo user."""
    from onewindow.org.models import User

    def _login(who: str):
        username = ROLE_LOGIN.get(who, who)
        client.force_login(User.objects.get(username=username))
        return client

    return _login


def pytest_collection_modifyitems(config, items):
    chromium = os.path.exists("/usr/bin/chromium")
    for item in items:
        if "browser" in item.keywords and not chromium:
            if os.environ.get("CI") == "true":
                continue  # the browser fixture fails loudly instead
            item.add_marker(pytest.mark.skip(reason="/usr/bin/chromium missing"))


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    """Each test reads the supervision thresholds of its own database state."""
    from onewindow.supervision.models import forget_cached_rule

    forget_cached_rule()
    yield
    forget_cached_rule()
