# Sourced by the run scripts: builds the benchmarks module(s) and runs one harness.
#   run_harness <modules> <heap> <main class> [args...]
# Where /tmp/nodrop-build.lock exists, the build and the run take it with flock (shared machines: never two
# builds or benchmarks at once), unless the caller already holds it (a nested flock would wait forever).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

run_harness() {
  local modules="$1" heap="$2" main="$3"
  shift 3
  local lock=() held=false fd
  for fd in /proc/$$/fd/*; do
    if [ "$(readlink "$fd" 2>/dev/null)" = /tmp/nodrop-build.lock ]; then held=true; fi
  done
  if ! $held && [ -e /tmp/nodrop-build.lock ] && command -v flock >/dev/null; then
    lock=(flock /tmp/nodrop-build.lock)
  fi
  cd "$root"
  "${lock[@]}" ./mvnw -B -q -pl "$modules" -am package -DskipTests -Djacoco.skip
  local classpath="$here/target/classes:$(cat "$here/target/classpath.txt")"
  local extra=()
  if [ -f "$here/streams/target/classpath.txt" ] && [[ "$modules" == *streams* ]]; then
    extra=("-Dbench.streams.classpath=$here/streams/target/classes:$(cat "$here/streams/target/classpath.txt")")
  fi
  cd "$here"
  exec "${lock[@]}" java "-Xmx$heap" -XX:+UseG1GC -Djava.net.preferIPv4Stack=true \
    "-Dbench.command=${BENCH_COMMAND:-}" "${extra[@]}" -cp "$classpath" "$main" "$@"
}
