#!/usr/bin/env bash
# Builds the benchmarks module and runs the JMH benchmark of the hand-off between logging threads and the
# sender: nodrop's ring against ArrayBlockingQueue and JCTools' array queues, with 1 and 4 logging threads.
# Arguments go to JMH (default: -f 1 -wi 3 -i 5 -w 1s -r 1s, about 3 minutes on 2 cores).
source "$(dirname "$0")/harness.sh"
if [ $# -eq 0 ]; then
  set -- -f 1 -wi 3 -i 5 -w 1s -r 1s
fi
BENCH_COMMAND="benchmarks/run-handoff.sh $*" \
  run_harness benchmarks 1g org.openjdk.jmh.Main 'io\.github\.nodrop\.benchmarks\.handoff\.HandOffBenchmark' "$@"
