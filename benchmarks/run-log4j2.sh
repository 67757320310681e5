#!/usr/bin/env bash
# Builds the benchmarks module and runs the Log4j2 comparison; the argument is the event count
# (default 100000). Writes results/<date>-<host>-log4j2.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
lock=()
if [ -e /tmp/nodrop-build.lock ] && command -v flock >/dev/null; then
  lock=(flock /tmp/nodrop-build.lock)  # shared machines: never two builds or benchmarks at once
fi
cd "$root"
"${lock[@]}" ./mvnw -B -q -pl benchmarks -am package -DskipTests -Djacoco.skip
classpath="$here/target/classes:$(cat "$here/target/classpath.txt")"
cd "$here"
exec "${lock[@]}" java -Xmx1g -XX:+UseG1GC -Djava.net.preferIPv4Stack=true \
  -cp "$classpath" io.github.nodrop.benchmarks.Log4j2Comparison "$@"
