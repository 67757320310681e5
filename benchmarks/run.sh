#!/usr/bin/env bash
# Builds the benchmarks module and runs the Logback comparison; extra arguments go to the harness
# (e.g. --events 50000 --scenarios up). Writes results/<date>-<host>.md.
source "$(dirname "$0")/harness.sh"
BENCH_COMMAND="benchmarks/run.sh${*:+ $*}" run_harness benchmarks 1g io.github.nodrop.benchmarks.LogbackComparison "$@"
