#!/usr/bin/env bash
# Builds the release artifacts (./mvnw -Prelease package, tests skipped: the default suite runs them)
# and checks what a user downloads from Maven Central: every published jar with its sources and javadoc
# jars, an Automatic-Module-Name, no test or example classes, the Log4j2 plugin descriptor, a
# self-contained POM with licence and SCM, appenders that bring only kafka-clients and their framework,
# a transformer -all.jar that runs with java -jar alone, and the transformer's distribution archives with
# an executable launcher, lib/ and config/. Exits 1 and names each problem if anything is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

lock=()
if [ -e /tmp/nodrop-build.lock ] && command -v flock >/dev/null; then
  lock=(flock /tmp/nodrop-build.lock)
fi
"${lock[@]}" ./mvnw -B -q -Prelease package -DskipTests -Djacoco.skip

version="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' bom/pom.xml | head -1)"
problems=()
problem() { problems+=("$1"); echo "MISSING: $1"; }

check_pom() { # module dir, artifact id
  local pom="$1/.flattened-pom.xml"
  [ "$1" = bom ] && pom="$1/pom.xml"
  [ -s "$pom" ] || { problem "$2: no published POM ($pom)"; return; }
  for element in '<name>' '<description>' '<url>' '<licenses>' '<scm>' '<developers>'; do
    grep -q "$element" "$pom" || problem "$2: POM without $element"
  done
  grep -q '<parent>' "$pom" && [ "$1" != bom ] && problem "$2: POM still needs its parent (not flattened)"
  true
}

check_jar() { # module dir, artifact id, automatic module name
  local base="$1/target/$2-$version"
  for jar in "$base.jar" "$base-sources.jar" "$base-javadoc.jar"; do
    [ -s "$jar" ] || problem "$2: no $(basename "$jar")"
  done
  [ -s "$base.jar" ] || return 0
  unzip -p "$base.jar" META-INF/MANIFEST.MF | grep -q "^Automatic-Module-Name: $3" \
    || problem "$2: no Automatic-Module-Name $3 in the manifest"
  # listed once into a variable: grep -q ending a pipe early could fail it with SIGPIPE under pipefail
  local entries strays
  entries="$(unzip -Z1 "$base.jar")"
  strays="$(grep -E '(Test|IT)(\$[^/]*)?\.class$|/examples/|/benchmarks/' <<<"$entries" || true)"
  [ -z "$strays" ] || problem "$2: test or example classes in the jar: $(head -3 <<<"$strays" | tr '\n' ' ')"
  check_pom "$1" "$2"
}

check_pom bom nodrop-bom
for module in testkit appender-core appender-logback appender-log4j2 micrometer enrich streams connect transformer; do
  name="io.github.nodrop.${module#appender-}"
  check_jar "$module" "nodrop-$module" "$name"
done

# the Log4j2 plugin descriptor: without it <NodropKafka> is unknown to users who do not set packages=
plugins="appender-log4j2/target/nodrop-appender-log4j2-$version.jar"
if [ -s "$plugins" ]; then
  unzip -p "$plugins" META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat 2>/dev/null \
    | grep -aq 'io.github.nodrop.log4j2.NodropKafkaAppender' \
    || problem "nodrop-appender-log4j2: no Log4j2Plugins.dat naming NodropKafkaAppender in the jar"
fi

# the Connect plugin: one directory for plugin.path with the transform, the enrichment and jackson-core,
# and the ServiceLoader manifest that plugin.discovery=service_load needs
plugin_zip="connect/target/nodrop-connect-$version-plugin.zip"
if [ -s "$plugin_zip" ]; then
  plugin_names="$(unzip -Z1 "$plugin_zip")"
  for jar in "nodrop-connect-$version.jar" "nodrop-enrich-$version.jar" "jackson-core-"; do
    grep -q "^nodrop-connect/$jar" <<<"$plugin_names" || problem "$plugin_zip: no nodrop-connect/$jar"
  done
  unzip -p "connect/target/nodrop-connect-$version.jar" \
    META-INF/services/org.apache.kafka.connect.transforms.Transformation 2>/dev/null \
    | grep -q '^io.github.nodrop.connect.NodropEnrich$' \
    || problem "nodrop-connect: no ServiceLoader manifest naming NodropEnrich"
else
  problem "no $plugin_zip"
fi

# the BOM names every published module
for module in testkit appender-core appender-logback appender-log4j2 micrometer enrich streams connect transformer; do
  grep -q "<artifactId>nodrop-$module</artifactId>" bom/pom.xml || problem "nodrop-bom: no nodrop-$module"
done

# what the appenders bring to a user's classpath
allowed='^(io\.github\.nodrop:nodrop-appender-core|org\.apache\.kafka:kafka-clients|com\.github\.luben:zstd-jni|(at\.yawk\.lz4|org\.lz4):lz4-java|org\.xerial\.snappy:snappy-java|org\.slf4j:slf4j-api|org\.apache\.logging\.log4j:log4j-(layout-template-json|core|api)|ch\.qos\.logback:logback-(classic|core)):'
for module in appender-logback appender-log4j2; do
  list="$(mktemp)"
  ./mvnw -B -q -pl "$module" dependency:list -DincludeScope=runtime -DexcludeTransitive=false \
    -Dmdep.outputScope=false -DoutputFile="$list" -Dsort=true >/dev/null
  extra="$(grep -E '^\s+[^ ]+:[^ ]+:' "$list" | sed 's/^ *//' | grep -Ev "$allowed" || true)"
  [ -z "$extra" ] || problem "nodrop-$module brings more than kafka-clients and its framework: $extra"
  echo "nodrop-$module runtime classpath: $(grep -E '^\s+[^ ]+:[^ ]+:' "$list" | sed 's/^ *//' | cut -d: -f1,2 | tr '\n' ' ')"
  rm -f "$list"
done

# the transformer's fat jar runs alone
all="transformer/target/nodrop-transformer-$version-all.jar"
if [ -s "$all" ]; then
  printed="$(java -jar "$all" --version 2>&1 || true)"
  [ "$printed" = "nodrop-transformer $version" ] || problem "$all --version printed '$printed'"
else
  problem "no $all"
fi

# the transformer's distribution: one top directory with an executable launcher, the jars and the config
dist="transformer-dist/target/nodrop-transformer-$version"
top="nodrop-transformer-$version"
for archive in "$dist.tar.gz" "$dist.zip"; do
  [ -s "$archive" ] || problem "no $archive"
done
if [ -s "$dist.tar.gz" ]; then
  # listed once into a variable: grep -q on a pipe from tar could end it with SIGPIPE under pipefail
  listing="$(tar -tzvf "$dist.tar.gz")"
  names="$(tar -tzf "$dist.tar.gz")"
  outside="$(grep -v "^$top/" <<<"$names" || true)"
  [ -z "$outside" ] || problem "$dist.tar.gz: entries outside $top/: $(head -3 <<<"$outside" | tr '\n' ' ')"
  for dir in bin lib config; do
    grep -q "^$top/$dir/." <<<"$names" || problem "$dist.tar.gz: nothing in $top/$dir/"
  done
  grep -q "^$top/lib/nodrop-transformer-$version\.jar$" <<<"$names" \
    || problem "$dist.tar.gz: no $top/lib/nodrop-transformer-$version.jar"
  grep -Eq "^-rwx.* $top/bin/nodrop-transformer$" <<<"$listing" \
    || problem "$dist.tar.gz: no executable $top/bin/nodrop-transformer"
  unpacked="$(mktemp -d)"
  tar -xzf "$dist.tar.gz" -C "$unpacked"
  printed="$("$unpacked/$top/bin/nodrop-transformer" --version 2>&1 || true)"
  [ "$printed" = "nodrop-transformer $version" ] || problem "$dist.tar.gz: bin/nodrop-transformer --version printed '$printed'"
  rm -rf "$unpacked"
fi

if [ "${#problems[@]}" -gt 0 ]; then
  echo "release check failed: ${#problems[@]} problem(s)"
  exit 1
fi
echo "release check passed: nodrop $version (bom, testkit, appender-core, appender-logback, appender-log4j2, micrometer, enrich, streams, connect and its plugin, transformer, transformer distribution)"
