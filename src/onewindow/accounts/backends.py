"""Applicants sign in with their resident ID number or their mobile number and password."""

from django.contrib.auth.backends import ModelBackend

from onewindow.accounts.models import Person
from onewindow.common import crypto
from onewindow.common.validators import normalize_id_number, normalize_mobile


class IdentityBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        number = normalize_id_number(username)
        if len(number) == 18:
            people = Person.objects.filter(id_digest=crypto.digest(number))
        else:
            mobile = normalize_mobile(username)
            if len(mobile) != 11:
                return None
            people = Person.objects.filter(mobile_digest=crypto.digest(mobile))
        matches = [
            p.user
            for p in people.select_related("user")[:10]
            if p.user.check_password(password) and self.user_can_authenticate(p.user)
        ]
        # A mobile shared by a family matches one account only when one password fits.
        return matches[0] if len(matches) == 1 else None
