#!/usr/bin/env bash
# Every measurement in one run, on the database in DATABASE_URL (SQLite under var/ by default):
# a county of BENCH_N cases (default 1,000,000) with the supervision jobs over it (skipped with
# BENCH_REUSE=1 when the database holds a county already), the database settled (VACUUM ANALYZE),
# PostgreSQL's own speed on this machine (pgbench -N -c 4, on a database of its own), transitions
# and lifecycles through the services, every page of every role in-process (bench/pages_bench.py,
# query counts and costs), then the pages under 20 clients with each worker's peak memory. Each
# figure is printed beside issue 22's target; they go to docs/BENCHMARKS.md by hand, with the date.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONEWINDOW_VAR_DIR="${ONEWINDOW_VAR_DIR:-$PWD/var}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$ONEWINDOW_VAR_DIR/bench-county.sqlite3}"
PY=.venv/bin/python
command -v wrk >/dev/null || scripts/apt-install wrk
echo "== $(date -u '+%F %H:%M') UTC, $(nproc) cores, ${DATABASE_URL%%://*}, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${BENCH_REUSE:-0}" != 1 ]; then
  $PY bench/dataset.py "${BENCH_N:-1000000}"
fi

pgbench_tps=""
if [[ "$DATABASE_URL" == postgres* ]]; then
  echo "== settling: VACUUM ANALYZE of the whole database"
  $PY - <<'PY'
import os, psycopg, dj_database_url
cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                     password=cfg["PASSWORD"] or None, dbname=cfg["NAME"], autocommit=True) as c:
    c.execute("VACUUM ANALYZE")
PY
  # PostgreSQL's own write speed here, for issue 22's "≥ 15% of pgbench -N -c 4"
  base="${DATABASE_URL%/*}"
  host=$(echo "$base" | sed -E 's|.*@([^:/]+).*|\1|')
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS onewindow_pgbench" -qc "CREATE DATABASE onewindow_pgbench"
  pgbench -h "$host" -U postgres -i -q -s 10 onewindow_pgbench >/dev/null 2>&1
  pgbench_tps=$(pgbench -h "$host" -U postgres -N -c 4 -j 2 -T 20 onewindow_pgbench 2>/dev/null |
    sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  psql "$base/postgres" -qc "DROP DATABASE onewindow_pgbench"
  echo "pgbench -N -c 4 -T 20: ${pgbench_tps} tps"
fi

BENCH_CASES=1 $PY bench/cases_bench.py | tee "$ONEWINDOW_VAR_DIR/bench-cases.txt"
if [ -n "$pgbench_tps" ]; then
  $PY - "$pgbench_tps" "$ONEWINDOW_VAR_DIR/bench-cases.txt" <<'PY'
import re, sys
tps = float(sys.argv[1])
text = open(sys.argv[2]).read()
moves = float(re.search(r"transitions with their events.*?([\d.]+) /s", text).group(1))
lives = float(re.search(r"instant lifecycles.*?([\d.]+) /s", text).group(1))
share = moves / tps
print(f"transitions: {moves:.0f} /s = {share:.1%} of pgbench's {tps:.0f} tps "
      f"(target ≥ 1,000 /s and ≥ 15%: {'met' if moves >= 1000 and share >= 0.15 else 'NOT met'})")
print(f"lifecycles: {lives:.0f} /s (target ≥ 150 /s: {'met' if lives >= 150 else 'NOT met'})")
PY
fi
# A page that fails is listed and fails the run at the end, after the load figures.
pages=0
$PY bench/pages_bench.py --out "$ONEWINDOW_VAR_DIR/bench-pages.json" || pages=$?
BENCH_HTTP_OUT="$ONEWINDOW_VAR_DIR/bench-http.json" $PY bench/http_bench.py
# Issue 22: the county's workbench within 20% of the same page on the demo (SQLite, about 1,700
# cases, `onewindow demo` as `make run` fills it), measured here in the same run.
if [ "${BENCH_DEMO:-1}" = 1 ]; then
  demo="$ONEWINDOW_VAR_DIR/bench-demo.sqlite3"
  if [ ! -f "$demo.built" ]; then
    rm -f "$demo"
    DATABASE_URL="sqlite:///$demo" .venv/bin/onewindow migrate --no-input -v0
    DATABASE_URL="sqlite:///$demo" .venv/bin/onewindow demo > /dev/null
    touch "$demo.built"
  fi
  echo "== the same workbench on the demo (SQLite)"
  DATABASE_URL="sqlite:///$demo" BENCH_ONLY=workbench BENCH_HTTP_OUT="$ONEWINDOW_VAR_DIR/bench-http-demo.json" \
    $PY bench/http_bench.py
  $PY - "$ONEWINDOW_VAR_DIR/bench-http.json" "$ONEWINDOW_VAR_DIR/bench-http-demo.json" <<'PY'
import json, sys
county, demo = (json.load(open(p))["department workbench"]["rate"] for p in sys.argv[1:])
print(f"workbench: {county:.1f} pages/s on the county, {demo:.1f} on the demo: {county / demo:.0%} "
      f"(target ≥ 80%: {'met' if county >= 0.8 * demo else 'NOT met'})")
PY
fi
exit $pages
