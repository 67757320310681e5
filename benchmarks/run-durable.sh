#!/usr/bin/env bash
# Builds the benchmarks module and runs the durable-mode comparison (nodrop in memory and durable,
# danielwegener, danielwegener behind logstash-logback-encoder's async appender; burst, broker down at
# start, kill -9 while logging); extra arguments go to the harness (e.g. --scenarios kill).
# Writes results/<date>-<host>-durable.md and its chart.
source "$(dirname "$0")/harness.sh"
BENCH_COMMAND="benchmarks/run-durable.sh${*:+ $*}" run_harness benchmarks 1g io.github.nodrop.benchmarks.DurableComparison "$@"
