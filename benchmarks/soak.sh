#!/usr/bin/env bash
# Runs the soak: minutes of steady logging, then of transforming, while the broker is stopped and
# restarted every 30-60 s. Options go to the harness: --minutes N (10 per part), --rate N (2000/s),
# --part appender|transformer|both, --seed N, --no-outages (the broker stays up).
# Writes results/<date>-<host>-soak.md; exits 1 if an event went missing.
source "$(dirname "$0")/harness.sh"
BENCH_COMMAND="benchmarks/soak.sh${*:+ $*}" run_harness benchmarks 512m io.github.nodrop.benchmarks.Soak "$@"
