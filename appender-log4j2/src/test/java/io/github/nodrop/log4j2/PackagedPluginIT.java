package io.github.nodrop.log4j2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar as a user gets it: {@code <NodropKafka>} in a configuration without {@code packages=} is found
 * through the jar's plugin descriptor ({@code Log4j2Plugins.dat}) alone, whichever JDK built and runs it.
 */
class PackagedPluginIT {

    @TempDir
    Path work;

    @Test
    void nodropKafkaIsKnownFromThePackagedJarWithoutAPackagesAttribute() throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("nodrop-appender-log4j2-")
                                && name.endsWith(".jar")
                                && !name.endsWith("-sources.jar")
                                && !name.endsWith("-javadoc.jar")
                                && !name.endsWith("-tests.jar");
                    })
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no packaged jar in target/"));
        }
        // the probe alone, not the module's test classes or compiled classes
        Path probeDir = work.resolve("probe");
        Path probe = probeDir.resolve("io/github/nodrop/log4j2/PluginProbe.class");
        Files.createDirectories(probe.getParent());
        Files.copy(Path.of("target/test-classes/io/github/nodrop/log4j2/PluginProbe.class"), probe);
        Path config = work.resolve("log4j2-no-packages.xml");
        Files.writeString(
                config,
                "<Configuration status=\"WARN\">\n"
                        + "  <Appenders>\n"
                        + "    <NodropKafka name=\"KAFKA\" bootstrapServers=\"127.0.0.1:9\" topic=\"logs\""
                        + " fallbackDir=\"" + work.resolve("fallback") + "\" shutdownTimeout=\"0 ms\"/>\n"
                        + "  </Appenders>\n"
                        + "  <Loggers><Root level=\"INFO\"><AppenderRef ref=\"KAFKA\"/></Root></Loggers>\n"
                        + "</Configuration>\n",
                StandardCharsets.UTF_8);

        List<String> classPath = new ArrayList<>();
        classPath.add(probeDir.toString());
        classPath.add(jar.toString());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String slashed = entry.replace(File.separatorChar, '/');
            if (!slashed.endsWith("/target/classes") && !slashed.endsWith("/target/test-classes")) {
                classPath.add(entry);
            }
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        classPath.stream().collect(Collectors.joining(File.pathSeparator)),
                        PluginProbe.class.getName(),
                        config.toString())
                .redirectErrorStream(true)
                .start();
        String printed = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(printed)
                .as("java %s on %s", System.getProperty("java.version"), jar.getFileName())
                .contains("appender: " + NodropKafkaAppender.class.getName())
                .doesNotContain("Invalid element");
        assertThat(child.exitValue()).isZero();
    }
}
