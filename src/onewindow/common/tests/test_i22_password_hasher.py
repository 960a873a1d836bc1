"""Issue 22: the site hashes passwords with Argon2id at OWASP's first configuration (46 MiB,
t=1, p=1), not Django's default (100 MiB, t=2, p=8), which raised each gunicorn worker's peak
memory by 100 MiB at its first sign-in. Hashes made with Django's parameters still verify and
are re-hashed with the site's at the next sign-in."""

import importlib

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password

from onewindow.testing.factories import ApplicantFactory

pytestmark = pytest.mark.django_db
SITE = "onewindow.common.passwords.Argon2Hasher"


def test_i22_the_sites_first_hasher_is_argon2id_at_46_mib():
    production = importlib.import_module("onewindow.settings")
    # The settings module's own list (conftest puts a fast hasher first for the suite only).
    assert production.PASSWORD_HASHERS[0] == SITE


def test_i22_new_hashes_use_46_mib_and_old_ones_are_rehashed_at_sign_in(settings):
    settings.PASSWORD_HASHERS = [SITE]
    user = ApplicantFactory()
    user.set_password("Another2026pass")
    user.save()
    assert user.password.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
    assert identify_hasher(user.password).algorithm == "argon2"
    # A hash made with Django's default parameters (every account before issue 22).
    user.password = make_password("Older2026pass", hasher=Argon2PasswordHasher())
    user.save()
    assert user.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert user.check_password("Older2026pass")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
    assert user.check_password("Older2026pass") and not user.check_password("Wrong2026pass")
