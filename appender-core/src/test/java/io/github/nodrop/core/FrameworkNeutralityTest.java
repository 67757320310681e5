package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** appender-core knows no logging framework: it reports through {@link StatusListener} only. */
class FrameworkNeutralityTest {

    @Test
    void noSourceFileImportsALoggingFramework() throws IOException {
        Path sources = Paths.get("src/main/java");
        assertThat(sources).isDirectory();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .flatMap(FrameworkNeutralityTest::forbiddenImports)
                    .collect(Collectors.toList());
        }
        assertThat(offenders).isEmpty();
    }

    private static Stream<String> forbiddenImports(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith("import ")
                            && (line.contains(" org.slf4j.")
                                    || line.contains(" ch.qos.logback.")
                                    || line.contains(" org.apache.logging.")))
                    .map(line -> file + ": " + line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
