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
"${lock[@]}" ./mvnw -B -q -pl benchmarks,benchmarks/streams -am package -DskipTests -Djacoco.skip
classpath="$here/target/classes:$(cat "$here/target/classpath.txt")"
streams_classpath="$here/streams/target/classes:$(cat "$here/streams/target/classpath.txt")"
cd "$here"
exec "${lock[@]}" java -Xmx1g -XX:+UseG1GC -Djava.net.preferIPv4Stack=true \
  "-Dbench.streams.classpath=$streams_classpath" \
  -cp "$classpath" io.github.nodrop.benchmarks.TransformerComparison "$@"
