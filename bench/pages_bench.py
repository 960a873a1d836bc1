"""Every page a role opens in a day, measured in-process: its query count, the median and p90
of its wall time and the time its SQL took, on the county bench/dataset.py filled.

    .venv/bin/python bench/dataset.py 10000          # SQLite: var/bench-cases.sqlite3
    .venv/bin/python bench/pages_bench.py --out /tmp/pages.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \\
        .venv/bin/python bench/pages_bench.py --runs 9 --only 'clerk '

The pages are derived from the navigation (web/navigation.py) for each demo login: its home and
every entry it is shown, plus the pages it opens from them (EXTRA: a case of its own queue,
the case search with no criteria, by a number's tail and by a name, the wall, the dashboard's
drill-down, last month's appraisal, an applicant's own case). The logins of ROLE_LOGINS open
all their entries; the other demo logins (the same roles in other units and windows) their
home, their case queues and a case. Each page is signed in by force_login and goes through the
whole middleware (sessions and all, as in production), through
django.test.Client: no server, no network. Per page: WARMUPS views, then RUNS views timed.

The clock is pinned (time_machine, ticking) to BENCH_NOW, the second working day after the
county's last day (when bench/dataset.py's last scan ran), so that "today", "this month" and
the lights are the same whenever the bench runs. The calendar's freshness check (one small
query at most every 2 s of wall clock, workdays.ensure_fresh) is put off before each view, as
in the query-count tests, so that it does not fall into a view by chance; the count recorded
is the one most views made (min and max are kept too).

Each page must answer 200 with the page's own frame (`<main id="main">` and the sign-out form;
Django's own for the admin) and, where it lists rows, at least one (ROWS): a page that fails
is listed with the reason, never left out, and the exit status is 1.

The queries are counted and timed by an execute wrapper on the connection (perf_counter per
statement: CaptureQueriesContext rounds each to a whole millisecond, and formats every
statement's SQL, which costs more than SQLite takes to run it). Static files are served by the
plain storage (no collectstatic manifest needed), as in the test suite.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
REAL_START = datetime.datetime.now(datetime.UTC)  # before the clock is pinned

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("ONEWINDOW_SMS_SENDER", "onewindow.supervision.sms.NullSender")
os.environ.setdefault("ONEWINDOW_VAR_DIR", str(ROOT / "var"))
os.environ.setdefault(  # bench/dataset.py's own default
    "DATABASE_URL", f"sqlite:///{os.environ['ONEWINDOW_VAR_DIR']}/bench-cases.sqlite3"
)
# bench/dataset.py's county ends on 2026-12-01 (a Tuesday); its last scan ran on 2026-12-03.
BENCH_NOW = os.environ.get("BENCH_NOW", "2026-12-03T10:00:00+08:00")
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
WARMUPS = 2

# The logins that open every page the navigation shows them: one per role (conftest.ROLE_LOGIN).
ROLE_LOGINS = [
    "admin",
    "inspector",
    "reform",
    "hallmgr",
    "winsup",
    "teamlead",
    "clerk",
    "reviewer",
    "applicant",
]
# Logins that open only the entries of these navigation groups: the system administrator is
# shown every page (a superuser) but works in the system's.
GROUPS = {"admin": {"system"}}
# The other demo logins (onewindow.demo.county.DEMO_LOGINS): their home, these queues and a case.
OTHER_LOGINS = ["clerk2", "reviewer2", "reviewer3", "zhclerk", "greenclerk"]
QUEUES = {
    "cases:workbench",
    "cases:review",
    "cases:department",
    "cases:combined_list",
    "cases:key_projects",
}

CASE_LINK = r'href="/cases/(\d+)/"'
MY_CASE_LINK = r'href="/me/cases/(\d+)/"'
# Pages that list rows on this county: the pattern each row matches (at least one must show;
# on the case queues, only on the login's home: another role's queue may well be empty).
ROWS = {
    "cases:workbench": CASE_LINK,
    "cases:review": CASE_LINK,
    "cases:department": CASE_LINK,
    "portal:my_cases": MY_CASE_LINK,
    "cases:search": CASE_LINK,
    "search: number tail": CASE_LINK,
    "search: name": CASE_LINK,
    "search: name prefix": CASE_LINK,
    "supervision:warnings": CASE_LINK,
    "dashboard: cases": CASE_LINK,
    "dashboard: red cases": CASE_LINK,
    "catalog:item_list": r'href="/catalog/items/\d+/"',
    "mandates:letter_list": r'href="/mandates/\d+/"',
    "org:staff_list": r"<tr",
    "org:unit_list": r'href="/org/units/\d+/"',
}
FRAME = r'<main id="main">'
SIGNED_IN = r'action="/accounts/logout/"'
# Pages outside the site's frame: the pattern that shows the page itself was rendered.
OWN_FRAME = {"/admin/": r'id="site-name"', "/supervision/wall/": "行政效能电子监察"}


@dataclass(frozen=True)
class Extra:
    """A page a login opens from its navigation rather than from the menu itself."""

    name: str
    needs: str  # the navigation entry the login must be shown (and in its groups)
    url: object  # (context) -> the URL; context holds "case", "name", "my_case", "last_month"


# Pages reached from the menu's pages; add one here and every login that sees `needs` opens it.
EXTRA = [
    Extra("case page", "cases:search", lambda c: f"/cases/{c['case']}/"),
    Extra("search: number tail", "cases:search", lambda c: "/cases/search/?number=0001"),
    Extra(
        "search: name",
        "cases:search",
        lambda c: "/cases/search/?" + urlencode({"name": c["name"], "name_match": "exact"}),
    ),
    Extra(
        "search: name prefix",
        "cases:search",
        lambda c: "/cases/search/?" + urlencode({"name": c["name"][:2], "name_match": "prefix"}),
    ),
    Extra("dashboard: wall", "supervision:dashboard", lambda c: "/supervision/wall/"),
    Extra("dashboard: cases", "supervision:dashboard", lambda c: "/supervision/cases/"),
    Extra(
        "dashboard: red cases", "supervision:dashboard", lambda c: "/supervision/cases/?light=red"
    ),
    Extra(
        "appraisal: last month by unit",
        "supervision:appraisal",
        lambda c: f"/supervision/appraisal/?period={c['last_month']}",
    ),
    Extra(
        "appraisal: last month by staff",
        "supervision:appraisal",
        lambda c: f"/supervision/appraisal/?period={c['last_month']}&level=staff",
    ),
    Extra("my case", "portal:my_cases", lambda c: f"/me/cases/{c['my_case']}/"),
]


@dataclass(frozen=True)
class Page:
    key: str  # "<login> <url name or extra's name>": the key in the figures
    login: str
    url: str
    rows: str | None = None  # a pattern each listed row matches; None: no rows required


def start_clock(now: str = BENCH_NOW) -> None:
    import time_machine

    time_machine.travel(datetime.datetime.fromisoformat(now), tick=True).start()


def setup() -> None:
    import django
    from django.conf import settings

    django.setup()
    # As in the test suite: pages render without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def client_for(user):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def check(page: Page, response) -> str | None:
    """What is wrong with the page's answer, or None."""
    if response.status_code != 200:
        where = response.get("Location", "")
        return f"HTTP {response.status_code}" + (f" → {where}" if where else "")
    body = response.content.decode()
    own = next((f for prefix, f in OWN_FRAME.items() if page.url.startswith(prefix)), None)
    if own and not re.search(own, body):
        return f"not the page itself (no {own})"
    if not own and not (re.search(FRAME, body) and re.search(SIGNED_IN, body)):
        return "not a signed-in page (no <main id=main> or no sign-out form)"
    if page.rows and not re.search(page.rows, body):
        return f"no row on the page (pattern {page.rows})"
    return None


def _context(client, seen: dict[str, str]) -> dict:
    """What the extra pages need for this login: the first case of its home (its queue), else of
    the search's first page; that case's applicant name; the applicant's first own case."""
    from onewindow.cases.models import Case

    today = datetime.date.fromisoformat(BENCH_NOW[:10])
    last = today.replace(day=1) - datetime.timedelta(days=1)
    found = {"last_month": f"{last:%Y-%m}"}
    for url in ("/home/", "/cases/search/" if "cases:search" in seen else None):
        if url is None:
            continue
        response = client.get(url, follow=True)
        m = re.search(CASE_LINK, response.content.decode())
        if m:
            found["case"] = int(m.group(1))
            found["name"] = Case.objects.values_list("applicant_name", flat=True).get(
                pk=found["case"]
            )
            break
    if "portal:my_cases" in seen:
        m = re.search(MY_CASE_LINK, client.get("/me/").content.decode())
        if m:
            found["my_case"] = int(m.group(1))
    return found


def plan(logins=None) -> tuple[list[Page], dict[str, str], dict[str, object]]:
    """The pages to measure, the pages that could not be planned (key → why), and the signed-in
    client of each login."""
    from django.urls import reverse

    from onewindow.org.models import User
    from onewindow.web import navigation

    pages, failed, clients = [], {}, {}
    for login in logins or ROLE_LOGINS + OTHER_LOGINS:
        try:
            user = User.objects.get(username=login)
        except User.DoesNotExist:
            failed[f"{login} *"] = "no such user: was the county made by bench/dataset.py?"
            continue
        client = clients[login] = client_for(user)
        home = navigation.home_url_for(user)
        groups = GROUPS.get(login)
        shown = {  # the entries it is shown (in its groups), and those it opens here
            e.url_name: reverse(e.url_name)
            for e in navigation.NAV
            if navigation.sees(user, e) and (groups is None or e.group in groups)
        }
        seen = shown
        if login not in ROLE_LOGINS:
            seen = {n: u for n, u in shown.items() if n in QUEUES or u == home}
        own: dict[str, str] = {}
        if home not in seen.values():
            own["home"] = home
        own.update(seen)
        context = _context(client, shown)
        for extra in EXTRA:
            if extra.needs not in shown or (login not in ROLE_LOGINS and extra.name != "case page"):
                continue
            try:
                own[extra.name] = extra.url(context)
            except KeyError as missing:
                failed[f"{login} {extra.name}"] = f"no {missing.args[0]} found for {login}"
        for name, url in own.items():
            rows = ROWS.get(name) if name not in QUEUES or url == home else None
            pages.append(Page(f"{login} {name}", login, url, rows))
    return pages, failed, clients


def p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]


def measure(client, page: Page, runs: int = RUNS, warmups: int = WARMUPS, slowest: int = 0) -> dict:
    """The page viewed warmups + runs times; figures of the timed runs (milliseconds). Prints
    the `slowest` statements of the last view (under "slowest")."""
    from django.db import connection

    from onewindow import workdays

    statements: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - t, sql))

    walls, sqls, counts = [], [], []
    size = rows = 0
    for i in range(warmups + runs):
        statements.clear()
        workdays._checked_at = time.monotonic()  # the freshness check: not in this view
        with connection.execute_wrapper(timed):
            t = time.perf_counter()
            response = client.get(page.url)
            wall = time.perf_counter() - t
        problem = check(page, response)
        if problem:
            raise PageFailed(problem)
        if i < warmups:
            continue
        walls.append(wall * 1000)
        sqls.append(sum(t for t, _sql in statements) * 1000)
        counts.append(len(statements))
        size = len(response.content)
        rows = len(re.findall(page.rows or r"<tr\b", response.content.decode()))
    return {
        "url": page.url,
        "queries": statistics.mode(counts),
        "queries_min": min(counts),
        "queries_max": max(counts),
        "median_ms": round(statistics.median(walls), 2),
        "p90_ms": round(p90(walls), 2),
        "sql_ms": round(statistics.median(sqls), 2),
        "kb": round(size / 1024, 1),
        "rows": rows,
        "slowest": [
            f"{t * 1000:7.2f} ms  {' '.join(sql.split())[:150]}"
            for t, sql in sorted(statements, reverse=True)[:slowest]
        ],
    }


class PageFailed(Exception):
    pass


def run(
    only: str = "", runs: int = RUNS, warmups: int = WARMUPS, logins=None, keys=None, slowest=0
) -> dict:
    """Measure the planned pages (those whose key contains `only`, and is in `keys` if given);
    the figures as JSON data."""
    from django.db import connection

    from onewindow.cases.models import Case

    pages, failed, clients = plan(logins)
    pages = [p for p in pages if only in p.key and (keys is None or p.key in keys)]
    failed = {k: v for k, v in failed.items() if only in k and (keys is None or k in keys)}
    figures = {}
    for page in pages:
        try:
            figures[page.key] = measure(clients[page.login], page, runs, warmups, slowest)
        except PageFailed as exc:
            failed[page.key] = f"{page.url}: {exc}"
        except Exception as exc:  # reported with the page, never skipped
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            failed[page.key] = (
                f"{page.url}: {type(exc).__name__}: {exc} ({frame.filename}:{frame.lineno})"
            )
            if connection.in_atomic_block or connection.needs_rollback:
                connection.rollback()
        else:
            f = figures[page.key]
            print(
                f"{page.key:<44} {f['queries']:>3} {f['median_ms']:>8.1f} {f['p90_ms']:>8.1f} "
                f"{f['sql_ms']:>7.1f} {f['kb']:>6.0f} {f['rows']:>4}",
                flush=True,
            )
            for line in f.pop("slowest"):
                print(line)
    return {
        "cases": Case.objects.count(),
        "vendor": connection.vendor,
        "date": f"{REAL_START:%Y-%m-%d}",
        "clock": BENCH_NOW,
        "runs": runs,
        "warmups": warmups,
        "cores": os.cpu_count(),
        "load": round(os.getloadavg()[0], 2),  # at the end of the run: was the machine busy?
        "pages": figures,
        "failed": failed,
    }


HEADER = f"{'page':<44} {'q':>3} {'median':>8} {'p90':>8} {'sql':>7} {'KB':>6} {'rows':>4}"


def report_failed(result: dict) -> None:
    for key, why in sorted(result["failed"].items()):
        print(f"FAILED {key}: {why}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write the figures to this JSON file")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed views per page")
    parser.add_argument("--warmups", type=int, default=WARMUPS)
    parser.add_argument("--only", default="", help="only the pages whose key contains this")
    parser.add_argument("--login", action="append", help="only these logins (repeatable)")
    parser.add_argument("--sql", type=int, default=0, help="print each page's N slowest queries")
    args = parser.parse_args(argv)
    start_clock()
    setup()
    print(HEADER + "   (ms; q: queries; rows: listed rows or <tr>)")
    result = run(args.only, args.runs, args.warmups, args.login, slowest=args.sql)
    print(
        f"{len(result['pages'])} pages, {result['cases']:,} cases, {result['vendor']}, "
        f"{result['date']}, clock at {result['clock']}"
    )
    report_failed(result)
    if args.out:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
