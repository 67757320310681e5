package io.github.nodrop.connect;

import io.github.nodrop.enrich.JsonEnricher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * nodrop's enrichment as a Kafka Connect single message transform: adds {@code "hash"}, the lowercase hex
 * MD5 of the record's original value bytes, to each JSON object (the same bytes out as the nodrop
 * transformer and the Kafka Streams processor make).
 *
 * <p>The value must reach the transform as the bytes on the topic: {@code value.converter} {@code
 * org.apache.kafka.connect.converters.ByteArrayConverter} (byte for byte) or {@code
 * org.apache.kafka.connect.storage.StringConverter} (which replaces invalid UTF-8 before the hash is taken).
 * A record that is not a JSON object fails with a {@link DataException} naming the reason, so Connect's own
 * {@code errors.tolerance} and dead-letter queue ({@code errors.deadletterqueue.topic.name}) decide its fate.
 *
 * <p>{@value #OUTPUT_CONFIG}: {@code same} (default) gives the value back in the type it came in ({@code
 * byte[]} or {@code String}); {@code map} gives a schemaless map of the enriched JSON, for sinks that write
 * Connect data out as JSON themselves (the Elasticsearch and OpenSearch sinks). {@value #KEY_BY_HASH_CONFIG}
 * {@code true} sets the key to the hash, for sinks that take the key as the document id.
 */
public class NodropEnrich<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String OUTPUT_CONFIG = "output";
    public static final String KEY_BY_HASH_CONFIG = "key.by.hash";

    static final String SAME = "same";
    static final String MAP = "map";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(
                    OUTPUT_CONFIG,
                    ConfigDef.Type.STRING,
                    SAME,
                    ConfigDef.CaseInsensitiveValidString.in(SAME, MAP),
                    ConfigDef.Importance.MEDIUM,
                    "What the transform gives on: 'same', the enriched JSON in the value's own type (byte[] or"
                            + " String); 'map', a schemaless map of it, for sinks that write Connect data out as JSON"
                            + " (Elasticsearch, OpenSearch).")
            .define(
                    KEY_BY_HASH_CONFIG,
                    ConfigDef.Type.BOOLEAN,
                    false,
                    ConfigDef.Importance.MEDIUM,
                    "Set the record's key to the hash (a string): a sink that takes the key as the document id"
                            + " (Elasticsearch with key.ignore=false) then overwrites a re-delivered event instead of"
                            + " indexing it twice.");

    private static final String VERSION = readVersion();

    // tasks each have their own transform, but nothing in the interface promises one thread per instance
    private final ThreadLocal<JsonEnricher> enricher = ThreadLocal.withInitial(JsonEnricher::new);
    private boolean toMap;
    private boolean keyByHash;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs);
        toMap = MAP.equals(config.getString(OUTPUT_CONFIG).toLowerCase(Locale.ROOT));
        keyByHash = config.getBoolean(KEY_BY_HASH_CONFIG);
    }

    @Override
    public R apply(R record) {
        Object value = record.value();
        byte[] in = bytes(value);
        JsonEnricher.Result result = enricher.get().enrich(in);
        if (!result.ok()) {
            throw new DataException("nodrop: " + result.error() + " (topic " + record.topic() + ", partition "
                    + record.kafkaPartition() + ")");
        }
        Object out;
        Schema schema;
        if (toMap) {
            out = JsonMaps.read(result.value());
            schema = null;
        } else if (value instanceof String) {
            out = new String(result.value(), StandardCharsets.UTF_8);
            schema = record.valueSchema();
        } else if (value instanceof ByteBuffer) {
            out = ByteBuffer.wrap(result.value());
            schema = record.valueSchema();
        } else {
            out = result.value();
            schema = record.valueSchema();
        }
        return record.newRecord(
                record.topic(),
                record.kafkaPartition(),
                keyByHash ? Schema.STRING_SCHEMA : record.keySchema(),
                keyByHash ? result.hash() : record.key(),
                schema,
                out,
                record.timestamp(),
                record.headers());
    }

    private static byte[] bytes(Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value; // null: refused by the enricher as a tombstone
        }
        if (value instanceof String) {
            return ((String) value).getBytes(StandardCharsets.UTF_8);
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer buffer = ((ByteBuffer) value).duplicate();
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy);
            return copy;
        }
        throw new DataException("nodrop: the value is a " + value.getClass().getName()
                + ", not the record's bytes: set value.converter to"
                + " org.apache.kafka.connect.converters.ByteArrayConverter (or StringConverter) for this connector,"
                + " so the hash is of the bytes on the topic");
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void close() {
        enricher.remove();
    }

    private static String readVersion() {
        try (InputStream in = NodropEnrich.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
