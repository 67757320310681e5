package io.github.nodrop.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EnrichCorpusTest {

    @Test
    void theEnricherMakesExactlyTheGoldenBytesOfEveryCase() {
        JsonEnricher enricher = new JsonEnricher();
        List<EnrichCorpus.Case> cases = EnrichCorpus.cases();
        assertThat(cases).hasSizeGreaterThan(30);
        for (EnrichCorpus.Case c : cases) {
            JsonEnricher.Result r = enricher.enrich(c.input);
            if (c.refused()) {
                assertThat(r.ok()).as(c.name).isFalse();
                assertThat(r.error()).as(c.name).isEqualTo(c.error);
            } else {
                assertThat(r.ok()).as(c.name + ": " + r.error()).isTrue();
                assertThat(r.value()).as(c.name).isEqualTo(c.output);
            }
        }
    }

    @Test
    void theGoldenFileHoldsEveryInputAndBothOutcomes() {
        Map<String, EnrichCorpus.Case> byName =
                EnrichCorpus.cases().stream().collect(Collectors.toMap(c -> c.name, c -> c));
        assertThat(byName.keySet())
                .containsExactlyInAnyOrderElementsOf(EnrichCorpus.inputs().keySet());
        assertThat(byName.values()).anyMatch(EnrichCorpus.Case::refused);
        assertThat(byName.values()).anyMatch(c -> !c.refused());
        assertThat(byName.values()).anyMatch(c -> !c.isText());
        // spot checks by hand, not by the enricher: the hash goes last and replaces the old one
        assertThat(new String(byName.get("hash first").output, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1,\"hash\":\"" + md5("{\"hash\":\"old\",\"a\":1}") + "\"}");
        assertThat(byName.get("array").error).contains("object");
    }

    private static String md5(String s) {
        return new JsonEnricher().md5Hex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
