"""Benchmark: the header navigation (web.navigation.menu_for) every signed-in page builds
(issue 22): the Python time of one call per demo login, on the demo county.

    .venv/bin/python bench/menu_bench.py            # SQLite: var/bench-menu.sqlite3
    ONEWINDOW_VAR_DIR=/tmp/x .venv/bin/python bench/menu_bench.py

Per login: the best of 5 rounds of N calls, in milliseconds per call, (a) with the waiting
counts stubbed out (web.queues.counts -> {}): the navigation's own work, which entries the user
sees and their URLs; (b) as a page calls it, the waiting counts included (their SQL on the
demo's few cases; bench/queues_bench.py measures them over a large table). Also the number of
permission rules (org.permissions.allows) one call asks. The user object is loaded once, as a
request's is, so its roles and staff record are read before the first timed call.
"""

import os
import timeit
from pathlib import Path
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var"))
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-menu.sqlite3"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from onewindow.demo import catalogue, county, letters  # noqa: E402
from onewindow.org import permissions  # noqa: E402
from onewindow.org.models import User  # noqa: E402
from onewindow.web import navigation  # noqa: E402

LOGINS = ["clerk", "reviewer", "inspector", "teamlead", "winsup", "hallmgr", "admin", "applicant"]
N = 300


def per_call_ms(run, number: int) -> float:
    return min(timeit.repeat(run, number=number, repeat=5)) / number * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="clerk").exists():
        county.load()
        catalogue.load()
        letters.load()
    print(f"{'login':10} {'menu_for, no counts':>20} {'with counts':>12} {'rules asked':>12}")
    for name in LOGINS:
        user = User.objects.get(username=name)
        navigation.menu_for(user, "/")  # the roles read, the caches warm
        with mock.patch.object(navigation.queues, "counts", lambda user, names: {}):
            bare = per_call_ms(lambda u=user: navigation.menu_for(u, "/"), N)
        full = per_call_ms(lambda u=user: navigation.menu_for(u, "/"), N // 3)
        with mock.patch.object(navigation, "allows", wraps=permissions.allows) as asked:
            navigation.menu_for(user, "/")
        print(f"{name:10} {bare:17.3f} ms {full:9.3f} ms {asked.call_count:12d}")


if __name__ == "__main__":
    main()
