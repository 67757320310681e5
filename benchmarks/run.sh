#!/usr/bin/env bash
# Builds the benchmarks module and runs the Logback comparison; extra arguments go to the harness
# (e.g. --events 50000 --scenarios up). Writes results/<date>-<host>.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
command_line="benchmarks/run.sh${*:+ $*}"

lock=()
if [ -e /tmp/nodrop-build.lock ] && command -v flock >/dev/null; then
  lock=(flock /tmp/nodrop-build.lock)  # shared machines: never two builds or benchmarks at once
fi

cd "$root"
"${lock[@]}" ./mvnw -B -q -pl benchmarks -am package -DskipTests -Djacoco.skip
classpath="$here/target/classes:$(cat "$here/target/classpath.txt")"
cd "$here"
exec "${lock[@]}" java -Xmx1g -XX:+UseG1GC -Djava.net.preferIPv4Stack=true \
  "-Dbench.command=$command_line" \
  -cp "$classpath" io.github.nodrop.benchmarks.LogbackComparison "$@"
