#!/usr/bin/env bash
# Builds the benchmarks module and runs the Log4j2 comparison; the argument is the event count
# (default 100000). Writes results/<date>-<host>-log4j2.md.
source "$(dirname "$0")/harness.sh"
BENCH_COMMAND="benchmarks/run-log4j2.sh${*:+ $*}" run_harness benchmarks 1g io.github.nodrop.benchmarks.Log4j2Comparison "$@"
