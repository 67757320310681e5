#!/usr/bin/env bash
# Runs the appenders' behaviour tests (broker up, down at start, outage with replay, stop, hostile
# events) against each combination of kafka-clients and logging-framework versions below, with the
# broker in a child JVM, and writes compat/results/<date>-<host>.md. Exits 1 if any combination fails.
# Override the lists with KAFKA_VERSIONS, LOGBACK_VERSIONS, LOG4J_VERSIONS (space-separated).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

kafka_versions=(${KAFKA_VERSIONS:-3.0.2 4.4.0})
logback_versions=(${LOGBACK_VERSIONS:-1.3.0 1.6.7})
log4j_versions=(${LOG4J_VERSIONS:-2.17.1 2.26.1})

lock=()
if [ -e /tmp/nodrop-build.lock ] && command -v flock >/dev/null; then
  lock=(flock /tmp/nodrop-build.lock)
fi

echo "building and installing nodrop (tests skipped: the default suite runs them)"
"${lock[@]}" ./mvnw -B -q install -DskipTests -Djacoco.skip
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./mvnw -B -q -pl testkit dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp"
broker_classpath="$root/testkit/target/classes:$(cat "$work/cp")"

results=()
failed=0
run() { # module, label, kafka version, -D options...
  local module="$1" label="$2" kafka="$3"
  shift 3
  local log="$work/$module-$kafka-$label.log" status=pass
  echo "== $module: kafka-clients $kafka, $label"
  if ! "${lock[@]}" ./mvnw -B -Pcompat -pl "compat/$module" verify -Djacoco.skip \
      -Dkafka.version="$kafka" "$@" -Dbroker.classpath="$broker_classpath" >"$log" 2>&1; then
    status=FAIL
    failed=1
    grep -E "Tests run:|FAIL|ERROR" "$log" | head -30 || true
  fi
  local counts
  counts="$(python3 - "$root/compat/$module/target/surefire-reports" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
t = f = e = s = 0
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    r = ET.parse(path).getroot()
    t += int(r.get("tests")); f += int(r.get("failures")); e += int(r.get("errors")); s += int(r.get("skipped"))
print(f"{t} run, {f + e} failed, {s} skipped")
PY
)"
  echo "   $status ($counts)"
  results+=("| $module | $kafka | $label | $status | $counts |")
}

for kafka in "${kafka_versions[@]}"; do
  for logback in "${logback_versions[@]}"; do
    run logback "logback-classic $logback" "$kafka" -Dlogback.version="$logback"
  done
  for log4j in "${log4j_versions[@]}"; do
    disruptor=4.0.0
    case "$log4j" in 2.1[0-9].*|2.2[0-2].*) disruptor=3.4.4 ;; esac  # Log4j2 before 2.23 needs Disruptor 3
    run log4j2 "log4j-core $log4j" "$kafka" -Dcompat.log4j.version="$log4j" -Ddisruptor.version="$disruptor"
  done
done

mkdir -p "$here/results"
out="$here/results/$(date +%F)-$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname).md"
{
  echo "# Compatibility matrix, $(date +%F)"
  echo
  echo "Command: \`compat/run.sh\`; JDK: $(java -version 2>&1 | head -1); broker: Kafka 4.4.0 (KRaft) in a child JVM on 127.0.0.1."
  echo
  echo "| appender | kafka-clients | framework | result | tests |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${results[@]}"
} >"$out"
cat "$out"
exit "$failed"
