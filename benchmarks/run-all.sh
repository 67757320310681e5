#!/usr/bin/env bash
# The whole benchmark suite in one command: the Logback comparison (burst, broker down at start, steady
# rate, broker stopped mid-run; with charts), the Log4j2 comparison and the transformer beside Kafka
# Streams and a plain copy. Each writes its results/<date>-<host>*.md; about 20 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$(date +%s)
"$here/run.sh"
"$here/run-log4j2.sh"
"$here/run-transformer.sh"
echo "benchmark suite finished in $(( $(date +%s) - start )) s; results in $here/results/"
