#!/usr/bin/env bash
# Builds the benchmarks module and runs the transformer comparison; arguments go to the harness
# (e.g. --records 100000 --partitions 1,4). Writes results/<date>-<host>-transformer.md.
source "$(dirname "$0")/harness.sh"
BENCH_COMMAND="benchmarks/run-transformer.sh${*:+ $*}" \
  run_harness benchmarks,benchmarks/streams 1g io.github.nodrop.benchmarks.TransformerComparison "$@"
