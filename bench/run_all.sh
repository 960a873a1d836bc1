#!/usr/bin/env bash
# Every measurement in one run, on the database in DATABASE_URL (SQLite under var/ by default):
# a county of BENCH_N cases (default 1,000,000) with the supervision jobs over it, transitions and
# lifecycles through the services and the workbench query, then the pages under 20 clients with
# each worker's peak memory. Figures go to docs/BENCHMARKS.md by hand, with the date.
set -euo pipefail
cd "$(dirname "$0")/.."
export ONEWINDOW_VAR_DIR="${ONEWINDOW_VAR_DIR:-$PWD/var}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$ONEWINDOW_VAR_DIR/bench-county.sqlite3}"
PY=.venv/bin/python
command -v wrk >/dev/null || scripts/apt-install wrk
echo "== $(date -u +%F) $(nproc) cores, ${DATABASE_URL%%://*}"
$PY bench/dataset.py "${BENCH_N:-1000000}"
BENCH_CASES=1 $PY bench/cases_bench.py   # the table is filled already: no extra rows
$PY bench/http_bench.py
