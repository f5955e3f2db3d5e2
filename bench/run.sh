#!/usr/bin/env bash
# One command for the whole benchmark on this machine: create the database, generate the data
# set, run the direct timings and the HTTP load, write bench/out/results.json.
#
#   bench/run.sh                        # 1,000,000 residents, 2,000,000 cases
#   RESIDENTS=50000 CASES=100000 bench/run.sh
#   SKIP_GENERATE=1 bench/run.sh        # reuse the data set already in the database
#
# Environment: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/quntuan_bench; the
# database is dropped and created again), DURATION (seconds per scenario, default 20),
# CLIENTS (default 32), RESULTS (default bench/out/results.json). Generation and load run with
# nice -n 10.
set -euo pipefail
cd "$(dirname "$0")/.."

export UV_PYTHON_DOWNLOADS=never
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/quntuan_bench}"
RESIDENTS="${RESIDENTS:-1000000}"
CASES="${CASES:-2000000}"
DURATION="${DURATION:-20}"
CLIENTS="${CLIENTS:-32}"
OUT=bench/out
RESULTS="${RESULTS:-$OUT/results.json}"
mkdir -p "$OUT"

if [ -z "${SKIP_GENERATE:-}" ]; then
    echo "== generate: $RESIDENTS residents, $CASES cases -> $DATABASE_URL"
    nice -n 10 uv run python bench/generate.py --residents "$RESIDENTS" --cases "$CASES" --recreate-db \
        2>&1 | tee "$OUT/generate.log"
fi

echo "== load: $CLIENTS clients, $DURATION s per scenario"
nice -n 10 uv run python bench/load.py --clients "$CLIENTS" --duration "$DURATION" --out "$RESULTS" \
    2>&1 | tee "$OUT/load.log"
echo "== results in $RESULTS, query plans in $OUT/plans/"
