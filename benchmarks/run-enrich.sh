#!/usr/bin/env bash
# Builds the benchmarks module and runs the JMH benchmark of the transformer's enrichment: JsonEnricher
# (jackson-core's streaming parser, strict UTF-8, cut and splice) beside the MD5 alone. Arguments go to JMH
# (default: -f 1 -wi 3 -i 5 -w 1s -r 1s, about 2 minutes on 2 cores); JMH prints the table at the end.
source "$(dirname "$0")/harness.sh"
if [ $# -eq 0 ]; then
  set -- -f 1 -wi 3 -i 5 -w 1s -r 1s
fi
BENCH_COMMAND="benchmarks/run-enrich.sh $*" \
  run_harness benchmarks 1g org.openjdk.jmh.Main 'io\.github\.nodrop\.benchmarks\.enrich\.EnrichBenchmark' "$@"
