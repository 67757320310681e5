package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    @Test
    void sizes() {
        assertThat(ConfigValues.parseSize("64MB")).isEqualTo(64L << 20);
        assertThat(ConfigValues.parseSize(" 1 gb ")).isEqualTo(1L << 30);
        assertThat(ConfigValues.parseSize("512KB")).isEqualTo(512L << 10);
        assertThat(ConfigValues.parseSize("1048576")).isEqualTo(1048576L);
        assertThatThrownBy(() -> ConfigValues.parseSize("64 megs")).hasMessageContaining("'64 megs' is not a size");
        assertThatThrownBy(() -> ConfigValues.parseSize("99999999999TB")).hasMessageContaining("too large");
    }

    @Test
    void durations() {
        assertThat(ConfigValues.parseDuration("10 seconds")).isEqualTo(Duration.ofSeconds(10));
        assertThat(ConfigValues.parseDuration("500 ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigValues.parseDuration("2 minutes")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigValues.parseDuration("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(ConfigValues.parseDuration("250")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> ConfigValues.parseDuration("a while")).hasMessageContaining("'a while'");
    }

    @Test
    void secretsAreRecognised() {
        assertThat(ConfigValues.isSecret("sasl.jaas.config")).isTrue();
        assertThat(ConfigValues.isSecret("ssl.keystore.password")).isTrue();
        assertThat(ConfigValues.printable("ssl.truststore.password", "x")).isEqualTo("[hidden]");
        assertThat(ConfigValues.printable("acks", "all")).isEqualTo("all");
        assertThat(ConfigValues.isSecret("ssl.keystore.key"))
                .as("a PEM private key")
                .isTrue();
        assertThat(ConfigValues.isSecret("ssl.truststore.certificates")).isTrue();
    }
}
