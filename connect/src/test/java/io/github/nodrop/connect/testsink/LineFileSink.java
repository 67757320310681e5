package io.github.nodrop.connect.testsink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink connector that appends each record to {@code file} as one line, {@code key<TAB>value}, the value
 * written as JSON the way Confluent's Elasticsearch sink writes a document (Connect's {@code JsonConverter},
 * schemas off), flushed before Connect commits the offsets: the index at the end of a log pipeline, as
 * small as it gets.
 */
public class LineFileSink extends SinkConnector {

    static final ConfigDef CONFIG = new ConfigDef()
            .define("file", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "the file the lines are appended to");

    private Map<String, String> settings;

    @Override
    public void start(Map<String, String> props) {
        settings = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return LineTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(settings);
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return "test";
    }

    /** One task: writes the lines in arrival order. */
    public static class LineTask extends SinkTask {
        private Writer out;
        private final org.apache.kafka.connect.json.JsonConverter json =
                new org.apache.kafka.connect.json.JsonConverter();

        @Override
        public void start(Map<String, String> props) {
            json.configure(Map.of("schemas.enable", "false"), false);
            try {
                out = Files.newBufferedWriter(
                        Paths.get(props.get("file")),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            try {
                for (SinkRecord record : records) {
                    out.write(String.valueOf(record.key()));
                    out.write('\t');
                    out.write(new String(
                            json.fromConnectData(record.topic(), record.valueSchema(), record.value()),
                            StandardCharsets.UTF_8));
                    out.write('\n');
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void flush(Map<TopicPartition, OffsetAndMetadata> offsets) {}

        @Override
        public void stop() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String version() {
            return "test";
        }
    }
}
