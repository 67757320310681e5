#!/usr/bin/env bash
# The whole benchmark suite in one command: the Logback comparison (burst, broker down at start, steady
# rate, broker stopped mid-run; with charts), the Log4j2 comparison, the transformer beside Kafka
# Streams and a plain copy, and nodrop's durable mode (burst, broker down at start, kill -9 while
# logging). Each writes its results/<date>-<host>*.md; about 25 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$(date +%s)
"$here/run.sh"
"$here/run-log4j2.sh"
"$here/run-transformer.sh"
"$here/run-durable.sh"
echo "benchmark suite finished in $(( $(date +%s) - start )) s; results in $here/results/"
