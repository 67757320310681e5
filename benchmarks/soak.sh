#!/usr/bin/env bash
# Runs the soak: minutes of steady logging, then of transforming, while the broker is stopped and
# restarted every 30-60 s. Options go to the harness: --minutes N (10 per part), --rate N (2000/s),
# --part appender|transformer|both, --seed N, --no-outages (the broker stays up).
# Writes results/<date>-<host>-soak.md; exits 1 if an event went missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
command_line="benchmarks/soak.sh${*:+ $*}"

lock=()
if [ -e /tmp/nodrop-build.lock ] && command -v flock >/dev/null; then
  lock=(flock /tmp/nodrop-build.lock)  # shared machines: never two builds or benchmarks at once
fi

cd "$root"
"${lock[@]}" ./mvnw -B -q -pl benchmarks -am package -DskipTests -Djacoco.skip
classpath="$here/target/classes:$(cat "$here/target/classpath.txt")"
cd "$here"
exec "${lock[@]}" java -Xmx512m -XX:+UseG1GC -Djava.net.preferIPv4Stack=true \
  "-Dbench.command=$command_line" \
  -cp "$classpath" io.github.nodrop.benchmarks.Soak "$@"
