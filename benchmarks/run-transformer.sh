#!/usr/bin/env bash
# Builds the benchmarks module and runs the transformer comparison; arguments go to the harness
# (e.g. --records 100000 --partitions 1,4). Writes results/<date>-<host>-transformer.md.
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
  -cp "$classpath" io.github.nodrop.benchmarks.TransformerComparison "$@"
