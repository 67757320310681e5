package io.github.nodrop.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.nodrop.enrich.EnrichCorpus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class NodropEnrichTest {

    static final ByteArraySerializer SER = new ByteArraySerializer();
    static final ByteArrayDeserializer DE = new ByteArrayDeserializer();

    static Properties props() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "nodrop-enrich-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        return props;
    }

    @Test
    void everyCorpusCaseGivesTheGoldenBytesOrGoesToTheDeadLetterTopicWithItsReason() {
        List<EnrichCorpus.Case> cases = EnrichCorpus.cases();
        try (TopologyTestDriver driver =
                new TopologyTestDriver(NodropEnrich.topology("logs", "logs-enriched", "logs-dlq"), props())) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("logs", SER, SER);
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("logs-enriched", DE, DE);
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("logs-dlq", DE, DE);
            long offset = 0;
            for (EnrichCorpus.Case c : cases) {
                in.pipeInput(c.name.getBytes(StandardCharsets.UTF_8), c.input);
                if (c.refused()) {
                    assertThat(out.isEmpty()).as(c.name).isTrue();
                    TestRecord<byte[], byte[]> r = dlq.readRecord();
                    assertThat(r.value()).as(c.name).isEqualTo(c.input);
                    assertThat(header(r, NodropEnrich.ERROR_HEADER)).as(c.name).isEqualTo(c.error);
                    assertThat(header(r, NodropEnrich.SOURCE_TOPIC_HEADER)).isEqualTo("logs");
                    assertThat(header(r, NodropEnrich.SOURCE_OFFSET_HEADER)).isEqualTo(String.valueOf(offset));
                } else {
                    assertThat(dlq.isEmpty()).as(c.name).isTrue();
                    assertThat(out.readValue()).as(c.name).isEqualTo(c.output);
                }
                offset++;
            }
            assertThat(out.isEmpty()).isTrue();
            assertThat(dlq.isEmpty()).isTrue();
        }
    }

    @Test
    void keysTimestampsAndHeadersAreKeptAndATombstoneIsDeadLettered() {
        try (TopologyTestDriver driver =
                new TopologyTestDriver(NodropEnrich.topology("logs", "logs-enriched", "logs-dlq"), props())) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("logs", SER, SER);
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("logs-enriched", DE, DE);
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("logs-dlq", DE, DE);
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
            Instant at = Instant.parse("2026-12-03T10:15:30Z");
            in.pipeInput(new TestRecord<>(
                    "k".getBytes(StandardCharsets.UTF_8), "{\"a\":1}".getBytes(StandardCharsets.UTF_8), headers, at));
            TestRecord<byte[], byte[]> r = out.readRecord();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k");
            assertThat(r.getRecordTime()).isEqualTo(at);
            assertThat(header(r, "trace")).isEqualTo("t-1");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).startsWith("{\"a\":1,\"hash\":\"");

            in.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), null, headers, at));
            TestRecord<byte[], byte[]> tombstone = dlq.readRecord();
            assertThat(tombstone.value()).isNull();
            assertThat(header(tombstone, "trace")).isEqualTo("t-1");
            assertThat(header(tombstone, NodropEnrich.ERROR_HEADER)).contains("tombstone");
            assertThat(out.isEmpty()).isTrue();
        }
    }

    @Test
    void theOneLinerComposesWithTheRestOfATopology() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> logs = builder.stream("logs", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        NodropEnrich.enrich(logs.filter((k, v) -> v != null && v.length > 2), "logs-dlq")
                .to("logs-enriched", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props())) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("logs", SER, SER);
            in.pipeInput("{}".getBytes(StandardCharsets.UTF_8)); // filtered out before the enrichment
            in.pipeInput("{\"b\":2}".getBytes(StandardCharsets.UTF_8));
            in.pipeInput("no json".getBytes(StandardCharsets.UTF_8));
            assertThat(driver.createOutputTopic("logs-enriched", DE, DE).readValuesToList())
                    .extracting(v -> new String(v, StandardCharsets.UTF_8))
                    .singleElement()
                    .asString()
                    .startsWith("{\"b\":2,\"hash\":\"");
            assertThat(driver.createOutputTopic("logs-dlq", DE, DE).readValuesToList())
                    .extracting(v -> new String(v, StandardCharsets.UTF_8))
                    .containsExactly("no json");
        }
    }

    @Test
    void badTopicNamesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> NodropEnrich.topology("logs", "logs-enriched", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadLetterTopic must name a topic, was blank");
        assertThatThrownBy(() -> NodropEnrich.topology(null, "logs-enriched", "dlq"))
                .hasMessage("input must name a topic, was null");
        assertThatThrownBy(() -> NodropEnrich.topology("logs", "logs", "dlq"))
                .hasMessageStartingWith("output and deadLetterTopic must differ from input 'logs'");
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> logs = builder.stream("logs");
        assertThatThrownBy(() -> NodropEnrich.enrich(logs, "")).hasMessageContaining("deadLetterTopic");
    }

    static String header(TestRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
