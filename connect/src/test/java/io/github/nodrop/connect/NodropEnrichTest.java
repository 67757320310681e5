package io.github.nodrop.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.nodrop.enrich.EnrichCorpus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class NodropEnrichTest {

    static SinkRecord record(Schema schema, Object value) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("trace", "t-1");
        return new SinkRecord("logs", 3, Schema.STRING_SCHEMA, "k", schema, value, 42L, 1764756930123L, null, headers);
    }

    static NodropEnrich<SinkRecord> transform(String output) {
        NodropEnrich<SinkRecord> t = new NodropEnrich<>();
        t.configure(output == null ? Map.of() : Map.of(NodropEnrich.OUTPUT_CONFIG, output));
        return t;
    }

    @Test
    void everyCorpusCaseAsBytesGivesTheGoldenBytesOrADataExceptionWithItsReason() {
        NodropEnrich<SinkRecord> t = transform(null);
        for (EnrichCorpus.Case c : EnrichCorpus.cases()) {
            SinkRecord in = record(Schema.OPTIONAL_BYTES_SCHEMA, c.input);
            if (c.refused()) {
                assertThatThrownBy(() -> t.apply(in))
                        .as(c.name)
                        .isInstanceOf(DataException.class)
                        .hasMessage("nodrop: " + c.error + " (topic logs, partition 3)");
            } else {
                SinkRecord out = t.apply(in);
                assertThat((byte[]) out.value()).as(c.name).isEqualTo(c.output);
                assertThat(out.valueSchema()).isEqualTo(Schema.OPTIONAL_BYTES_SCHEMA);
            }
        }
    }

    @Test
    void everyTextCaseAsAStringGivesTheGoldenTextAndSoDoesAByteBuffer() {
        NodropEnrich<SinkRecord> t = transform("same");
        List<EnrichCorpus.Case> cases = EnrichCorpus.cases();
        int texts = 0;
        for (EnrichCorpus.Case c : cases) {
            if (!c.isText()) {
                continue;
            }
            texts++;
            String text = new String(c.input, StandardCharsets.UTF_8);
            if (c.refused()) {
                assertThatThrownBy(() -> t.apply(record(Schema.STRING_SCHEMA, text)))
                        .as(c.name)
                        .hasMessageContaining(c.error);
            } else {
                assertThat(t.apply(record(Schema.STRING_SCHEMA, text)).value())
                        .as(c.name)
                        .isEqualTo(new String(c.output, StandardCharsets.UTF_8));
                assertThat(((ByteBuffer) t.apply(record(null, ByteBuffer.wrap(c.input)))
                                        .value())
                                .array())
                        .as(c.name)
                        .isEqualTo(c.output);
            }
        }
        assertThat(texts).isGreaterThan(30);
    }

    @Test
    void keyTimestampHeadersAndPlaceAreKept() {
        SinkRecord out = transform(null).apply(record(null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThat(out.key()).isEqualTo("k");
        assertThat(out.timestamp()).isEqualTo(1764756930123L);
        assertThat(out.kafkaOffset()).isEqualTo(42L);
        assertThat(out.kafkaPartition()).isEqualTo(3);
        assertThat(out.headers().lastWithName("trace").value()).isEqualTo("t-1");
    }

    @Test
    void outputMapIsWhatAJsonWritingSinkTurnsBackIntoTheSameDocument() throws Exception {
        NodropEnrich<SinkRecord> t = transform("MAP");
        // what the Elasticsearch sink does with a value and schema.ignore=true: JsonConverter, schemas off
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        ObjectMapper mapper = new ObjectMapper();
        int compared = 0;
        for (EnrichCorpus.Case c : EnrichCorpus.cases()) {
            if (c.refused()) {
                continue;
            }
            if (c.name.equals("escaped unpaired surrogate in a name")) {
                // valid JSON no map can hold (nor any UTF-8 writer write): the record fails, with the reason
                assertThatThrownBy(() -> t.apply(record(Schema.OPTIONAL_BYTES_SCHEMA, c.input)))
                        .isInstanceOf(DataException.class)
                        .hasMessageStartingWith("nodrop: this JSON cannot be given on as a map (")
                        .hasMessageEndingWith("with output=same it passes as it is");
                continue;
            }
            SinkRecord out = t.apply(record(Schema.OPTIONAL_BYTES_SCHEMA, c.input));
            assertThat(out.valueSchema()).isNull();
            assertThat(out.value()).isInstanceOf(Map.class);
            JsonNode written = mapper.readTree(json.fromConnectData("logs", null, out.value()));
            JsonNode golden = mapper.readTree(c.output);
            assertThat(written.equals(SAME_NUMBER_OR_DIGITS, golden))
                    .as(c.name + ": " + written + " vs " + golden)
                    .isTrue();
            compared++;
        }
        assertThat(compared).isGreaterThan(15);
    }

    /** Numbers equal by value; a number too large for a long or a double may come back as its digits. */
    static final Comparator<JsonNode> SAME_NUMBER_OR_DIGITS = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        if (a.isTextual() && b.isNumber()) {
            return a.asText().equals(b.asText()) ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
    };

    @Test
    void aValueThatIsNotTheRecordsBytesIsRefusedNamingTheConverterToSet() {
        Schema schema = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build();
        assertThatThrownBy(() -> transform(null).apply(record(schema, new Struct(schema).put("a", 1))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("org.apache.kafka.connect.data.Struct")
                .hasMessageContaining("value.converter")
                .hasMessageContaining("ByteArrayConverter");
        assertThatThrownBy(() -> transform(null).apply(record(null, Map.of("a", 1))))
                .hasMessageContaining("value.converter");
        assertThatThrownBy(() -> transform(null).apply(record(null, null)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("tombstone");
    }

    @Test
    void keyByHashMakesTheHashTheKeySoASinkCanUseItAsTheDocumentId() {
        NodropEnrich<SinkRecord> t = new NodropEnrich<>();
        t.configure(Map.of(NodropEnrich.KEY_BY_HASH_CONFIG, "true", NodropEnrich.OUTPUT_CONFIG, "map"));
        byte[] value = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        SinkRecord out = t.apply(record(null, value));
        assertThat(out.key()).isEqualTo(new io.github.nodrop.enrich.JsonEnricher().md5Hex(value));
        assertThat(out.keySchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(((Map<?, ?>) out.value()).get("hash")).isEqualTo(out.key());
        assertThatThrownBy(() -> transformWith(Map.of(NodropEnrich.KEY_BY_HASH_CONFIG, "perhaps")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key.by.hash");
    }

    static NodropEnrich<SinkRecord> transformWith(Map<String, String> settings) {
        NodropEnrich<SinkRecord> t = new NodropEnrich<>();
        t.configure(settings);
        return t;
    }

    @Test
    void aBadOutputSettingIsRefusedNamingIt() {
        assertThatThrownBy(() -> transform("xml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("output")
                .hasMessageContaining("xml");
        NodropEnrich<SinkRecord> t = new NodropEnrich<>();
        assertThat(t.config().names())
                .containsExactlyInAnyOrder(NodropEnrich.OUTPUT_CONFIG, NodropEnrich.KEY_BY_HASH_CONFIG);
        assertThat(t.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        t.close();
    }
}
