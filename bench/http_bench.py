"""Page latency under load: 20 concurrent clients (wrk) against a gunicorn server on loopback,
signed in as a department reviewer, on the department workbench and on a case page; the hall
manager's dashboard with one client; then each worker's peak memory. Each line ends with issue
22's target (≥ 100 pages/s and p95 < 400 ms; the dashboard p50 < 150 ms; < 250 MiB a worker),
met or not.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onewindow_bench \\
        .venv/bin/python bench/http_bench.py

Runs on whatever database bench/dataset.py filled (or the demo: bench/run_all.sh measures the
workbench on both, for the target «within 20% of the demo's»). Needs wrk
(`scripts/apt-install wrk`). BENCH_WORKERS (default 2, one per core), BENCH_SECONDS (20),
BENCH_CLIENTS (20); BENCH_ONLY (a word of the pages' names: only those), BENCH_HTTP_OUT (a JSON
file for the figures: name → pages/s, p50, p95).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(
        [BIN / "onewindow", "serve", "--workers", str(WORKERS)],
        env=env,
        stdout=subprocess.DEVNULL,  # the access log would cost more than the pages
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    for _ in range(150):
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    sys.exit("server did not start")


def sign_in(url: str, username: str) -> str:
    with httpx.Client(base_url=url, follow_redirects=False) as http:
        http.get("/accounts/login/")
        token = http.cookies["csrftoken"]
        r = http.post(
            "/accounts/login/",
            data={"username": username, "password": "Taojiang2026", "csrfmiddlewaretoken": token},
            headers={"Referer": url + "/accounts/login/"},
        )
        assert r.status_code == 302, r.text[:300]
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def a_case(env: dict) -> int:
    code = (
        "from onewindow.cases.models import Case; "
        "print(Case.objects.filter(unit__short_name='县市监局', state='transferred')"
        ".order_by('due_date').values_list('pk', flat=True).first())"
    )
    out = subprocess.run(
        [BIN / "onewindow", "shell", "-c", code], env=env, capture_output=True, text=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def drain(env: dict, limit: float = 300) -> None:
    """Wait until the server's push job has sent what it can of the backlog (bench/cases_bench.py
    leaves thousands of events unsent, minutes of a county's work made in 30 s): the pages are
    measured in the steady state, not beside a catch-up push that is no page's cost. Done when
    nothing is left or the count has not moved for 15 s (rows behind a refused one wait for a
    person); prints how long it took and what was left."""
    code = (
        "import time\n"
        "from onewindow.exchange.models import Outbox\n"
        "unsent = Outbox.objects.filter(sent_at__isnull=True, refused_at__isnull=True)\n"
        "t = still = time.monotonic()\n"
        "first = last = unsent.count()\n"
        f"while last and time.monotonic() - still < 15 and time.monotonic() - t < {limit}:\n"
        "    time.sleep(3)\n"
        "    now = unsent.count()\n"
        "    if now != last:\n"
        "        last, still = now, time.monotonic()\n"
        "print(f'push backlog: {first - last:,} of {first:,} rows sent in '\n"
        "      f'{time.monotonic() - t:.0f} s; {last:,} left')\n"
    )
    out = subprocess.run(
        [BIN / "onewindow", "shell", "-c", code], env=env, capture_output=True, text=True
    )
    print(out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-500:])


def wrk(url: str, cookie: str, clients: int = CLIENTS) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(4, clients)}",
            f"-c{clients}",
            f"-d{SECONDS}s",
            "-s",
            str(ROOT / "bench" / "wrk_report.lua"),
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def workers_peak_mib(master: int) -> list[float]:
    """VmHWM of each gunicorn worker: the master's children that run the same command."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    own = Path(f"/proc/{master}/cmdline").read_bytes()
    peaks = []
    for pid in children:
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes() != own:
                continue  # the jobs process or the provincial stand-in
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return peaks


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: scripts/apt-install wrk")
    env = {**os.environ, "PORT": str(free_port())}
    env.setdefault("ONEWINDOW_SMS_SENDER", "onewindow.supervision.sms.NullSender")
    env.setdefault("ONEWINDOW_VAR_DIR", str(ROOT / "var"))
    # What the server's job process would otherwise do during the measurement: the first sweep
    # lighting every case and the rollup of the whole event log.
    settle = (
        "from onewindow import jobs; "
        "[jobs.run(j) for j in ('supervision-sweep', 'dashboard-rollup')]"
    )
    subprocess.run(
        [BIN / "onewindow", "shell", "-c", settle], env=env, check=True, capture_output=True
    )
    # The pages name their static files through the manifest, as `make run` prepares it.
    subprocess.run([BIN / "onewindow", "collectstatic", "--no-input", "-v0"], env=env, check=True)
    proc = start(env)
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        cookie = sign_in(url, "reviewer")
        manager = sign_in(url, "hallmgr")
        only = os.environ.get("BENCH_ONLY", "")
        case_id = a_case(env) if only in "case page" else 0
        for path, who in (("/cases/department/", cookie), ("/supervision/", manager)):
            httpx.get(url + path, headers={"Cookie": who}, timeout=30).raise_for_status()
        drain(env)
        print(f"database: {env.get('DATABASE_URL', 'sqlite (var/)').split('@')[-1]}")
        threads = os.environ.get("ONEWINDOW_THREADS", "4")
        print(f"gunicorn workers: {WORKERS} × {threads} threads; {SECONDS} s a page")
        # (name, path, signed-in cookie, clients, issue 22's target: pages/s, p95 ms / p50 ms)
        figures = {}
        for name, path, who, clients, target in (
            ("department workbench", "/cases/department/", cookie, CLIENTS, (100, 400, None)),
            (f"case page ({case_id})", f"/cases/{case_id}/", cookie, CLIENTS, (100, 400, None)),
            ("hall dashboard, 1 client", "/supervision/", manager, 1, (None, None, 150)),
        ):
            if only not in name:
                continue
            r = wrk(url + path, who, clients)
            rate = r["requests"] / r["seconds"]
            least, p95_max, p50_max = target
            met = (
                (least is None or rate >= least)
                and (p95_max is None or r["p95"] < p95_max)
                and (p50_max is None or r["p50"] < p50_max)
                and not r["non2xx"]
                and not r["errors"]
            )
            figures[name.split(" (")[0]] = {"rate": rate, "p50": r["p50"], "p95": r["p95"]}
            print(
                f"{name:<26} {clients:>2} clients {rate:7.1f} req/s  p50 {r['p50']:6.1f} ms  "
                f"p95 {r['p95']:6.1f} ms  p99 {r['p99']:6.1f} ms  non-2xx {r['non2xx']:.0f}  "
                f"errors {r['errors']:.0f}  target {'met' if met else 'NOT met'}"
            )
        if os.environ.get("BENCH_HTTP_OUT"):
            Path(os.environ["BENCH_HTTP_OUT"]).write_text(json.dumps(figures, indent=1))
        peaks = workers_peak_mib(proc.pid)
        print(
            "peak memory per worker: "
            + ", ".join(f"{p:.0f} MiB" for p in peaks)
            + f"  target < 250 MiB {'met' if max(peaks, default=0) < 250 else 'NOT met'}"
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
