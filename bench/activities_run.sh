#!/usr/bin/env bash
# The activities and venues benchmark (docs/benchmarks.md, "Activities and venues").
#
# Needs a database with the city of bench/generate.py (DATABASE_URL, default quntuan_bench).
# Adds 5,000 venues, 100,000 activities and 3,000,000 registrations (replacing any activities
# data already there), then runs bench/activities_load.py. Environment: VENUES, ACTIVITIES,
# REGISTRATIONS, DURATION (seconds per scenario, default 20), CLIENTS (default 32), RESULTS
# (default bench/out/activities-results.json), SKIP_GENERATE=1 to reuse the data.
set -euo pipefail
cd "$(dirname "$0")/.."

export UV_PYTHON_DOWNLOADS=never
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/quntuan_bench}"
OUT=bench/out
RESULTS="${RESULTS:-$OUT/activities-results.json}"
mkdir -p "$OUT"

if [ -z "${SKIP_GENERATE:-}" ]; then
    nice -n 19 uv run python bench/activities_generate.py --replace \
        --venues "${VENUES:-5000}" --activities "${ACTIVITIES:-100000}" --registrations "${REGISTRATIONS:-3000000}" \
        2>&1 | tee "$OUT/activities-generate.log"
fi
nice -n 10 uv run python bench/activities_load.py --clients "${CLIENTS:-32}" --duration "${DURATION:-20}" \
    --out "$RESULTS" 2>&1 | tee "$OUT/activities-load.log"
