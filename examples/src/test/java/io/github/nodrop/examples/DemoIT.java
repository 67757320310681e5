package io.github.nodrop.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoIT {

    @Test
    void theDemoDeliversEveryEventThroughAnOutageEnrichedWithACorrectHash() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ExampleOptions options = ExampleOptions.parse(new String[] {"--events", "3000", "--rate", "3000"});
        DemoSummary summary;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            summary = new Demo(options, out).run();
        }
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(summary.logged).isEqualTo(6000);
        assertThat(summary.spooled).as("the outage sent events to the spool").isPositive();
        assertThat(summary.missing).isZero();
        assertThat(summary.distinctEnriched).isEqualTo(6000);
        assertThat(summary.hashCheckPassed()).as(printed).isTrue();
        assertThat(printed).contains("taking the broker away", "RESULT: every event arrived");
    }

    @Test
    void theHashCheckRecomputesTheMd5OfTheOriginalBytes() {
        String original = "{\"message\":\"logback-app event 1 order placed\"}";
        String enriched = original.substring(0, original.length() - 1) + ",\"hash\":\""
                + Demo.md5(original.getBytes(StandardCharsets.UTF_8))
                + "\"}";
        DemoSummary summary = new DemoSummary();
        Demo.verifyHash(enriched, summary);
        assertThat(summary.hashCheckPassed()).isTrue();

        DemoSummary tampered = new DemoSummary();
        Demo.verifyHash(enriched.replace("order", "ORDER"), tampered);
        assertThat(tampered.hashCheckPassed()).isFalse();
    }
}
