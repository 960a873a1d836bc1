"""Crash safety (issue 9): a real server takes applications from concurrent clients through the
API, is killed with SIGKILL in the middle of the load (gunicorn, its workers and its helpers at
once), and is started again. Every application whose submission was acknowledged is there and
whole: its row, its full checklist, its first event on an unbroken chain and its outbox row.
Runs on the suite's database engine (SQLite, then PostgreSQL)."""

import json
import os
import signal
import subprocess
import threading
import time

import httpx

from tests.browser import BIN, copy_prepared, launch, prepare_server, stop

CLIENTS = 8
ITEM = "食品生产许可"
APPLICANT = {
    "applicant_kind": "person",
    "applicant_name": "李四",
    "applicant_id": "430922198806120030",
    "phone": "13807371234",
}


def _onewindow(env: dict, *args: str) -> str:
    done = subprocess.run(
        [BIN / "onewindow", *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _shell(env: dict, code: str):
    return json.loads(_onewindow(env, "shell", "-c", code).strip().splitlines()[-1])


def test_acknowledged_applications_survive_sigkill(tmp_path, prepared_county, django_db_setup):
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if prepared_county is None:  # PostgreSQL: a database of its own, prepared as `make run` does
        # (a copy of the run's migrated template database, made by django_db_setup, and then
        # `onewindow migrate`, `collectstatic` and `demo`: tests/browser.py)
        env = prepare_server(tmp_path, f"crash_{worker_id}")
    else:  # SQLite: a copy of the county the run prepared once (tests/conftest.py)
        env = copy_prepared(prepared_county, tmp_path)
    # One command process for both (each `onewindow` process costs about 1.5 s of CPU to start):
    # the `api_client` command, as an operator runs it, and the item the clients apply for.
    key, code, material_ids = _shell(
        env,
        "import io, json; from django.core.management import call_command; "
        "from onewindow.catalog.models import Item; out = io.StringIO(); "
        "call_command('api_client', '压力测试平台', stdout=out); "
        f"i = Item.objects.get(name='{ITEM}'); "
        "print(json.dumps([out.getvalue().strip().rsplit('：', 1)[1], i.implementation_code, "
        "[m.pk for m in i.materials.all()]]))",
    )
    proc, url = launch(env, tmp_path, workers=2, jobs=True)

    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    crashed = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=10) as http:
            for i in range(10_000):
                body = {
                    "item": code,
                    "channel": "online",
                    "client_key": f"c{n}-{i}",
                    "applicant": APPLICANT,
                    "materials": [{"material_id": m, "status": "uploaded"} for m in material_ids],
                }
                try:
                    response = http.post("/api/cases/applications", json=body)
                except httpx.HTTPError:
                    if crashed.is_set():
                        return
                    continue
                if response.status_code in (200, 201):
                    with lock:
                        acknowledged[body["client_key"]] = response.json()["id"]
                elif crashed.is_set():
                    return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    crashed.set()
    stop(proc, signal.SIGKILL)  # mid-load: requests are in flight in every worker
    for t in threads:
        t.join(30)
    assert len(acknowledged) >= 150, "the load never got going"

    proc, url = launch(env, tmp_path, workers=2, jobs=True)
    try:
        # What was kept, and the `verify_events` command's verdict, from one command process
        # (the command fails it, with CommandError, on a broken chain).
        found, verdict = _shell(
            env,
            "import io, json; from django.core.management import call_command; "
            "from django.db.models import Count; "
            "from onewindow.cases.models import Case; "
            "from onewindow.exchange.models import Outbox; "
            "rows = Case.objects.filter(source='压力测试平台').annotate("
            "m=Count('materials', distinct=True), e=Count('events', distinct=True)); "
            "keys = set(Outbox.objects.values_list('key', flat=True)); "
            "out = io.StringIO(); call_command('verify_events', stdout=out); "
            "print(json.dumps([{c.client_key: [c.pk, c.m, c.e, f'case-{c.pk}' in keys, c.state] "
            "for c in rows}, out.getvalue()]))",
        )
        for client_key, case_id in acknowledged.items():
            assert client_key in found, f"acknowledged {client_key} is lost"
            pk, materials, events, pushed, state = found[client_key]
            assert pk == case_id and state == "received"
            assert materials == len(material_ids) and events == 1 and pushed
        # nothing half-written either: every case that exists is whole
        assert all(m == len(material_ids) and e == 1 and p for _, m, e, p, _ in found.values())
        assert "事件链完整" in verdict
        # the restarted server answers: a repeated submission finds the same case
        again = httpx.post(
            url + "/api/cases/applications",
            headers={"X-API-Key": key},
            json={
                "item": code,
                "channel": "online",
                "client_key": next(iter(acknowledged)),
                "applicant": APPLICANT,
                "materials": [],
            },
        )
        assert again.status_code == 200
        assert again.json()["id"] == acknowledged[next(iter(acknowledged))]
    finally:
        stop(proc)
