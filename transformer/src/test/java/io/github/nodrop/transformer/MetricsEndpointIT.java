package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code --metrics-port}: what an operator scrapes, as Prometheus would, and what a port in use does. */
@ExtendWith(KafkaExtension.class)
class MetricsEndpointIT {

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String input = "logs-" + run;
    final String output = input + "-enriched";
    final HttpClient http = HttpClient.newHttpClient();

    TransformerConfig.Builder config(EmbeddedKafkaBroker broker) {
        return TransformerConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .input(input)
                .output(output)
                .groupId("g-" + run)
                .statsInterval(Duration.ZERO)
                .metricsAddress("127.0.0.1");
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void prometheusReadsTheCountersTheLagAndTheClientsMetricsAndHealthSaysUp(EmbeddedKafkaBroker broker)
            throws Exception {
        broker.createTopic(input, 2);
        broker.createTopic(output, 2);
        broker.createTopic(input + ".dlq", 1);
        java.util.List<byte[]> values = new java.util.ArrayList<>(Records.events(0, 300));
        values.add("not json".getBytes(StandardCharsets.UTF_8));
        Records.produce(broker, input, values, 0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (Transformer transformer = new Transformer(
                config(broker).metricsPort(0).build(), new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            transformer.start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> transformer.metrics().getProduced() == 300
                            && transformer.metrics().getDeadLettered() == 1);
            int port = transformer.metricsPort();
            assertThat(port).isPositive();
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .contains("metrics at http://127.0.0.1:" + port + "/metrics");

            HttpResponse<String> health = get(port, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("UP\n");

            String group = "group=\"g-" + run + "\"";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String metrics = get(port, "/metrics").body();
                assertThat(metrics)
                        .contains("nodrop_transformer_consumed_total{" + group + "} 301.0")
                        .contains("nodrop_transformer_produced_total{" + group + "} 300.0")
                        .contains("nodrop_transformer_dead_lettered_total{" + group + "} 1.0")
                        .contains("nodrop_transformer_lag{" + group + "} 0.0")
                        .containsPattern("kafka_consumer_fetch_manager_records_consumed_total\\{[^}]*" + group)
                        .containsPattern("kafka_producer_record_send_total\\{[^}]*" + group);
            });
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("nodrop-transformer: stopped:");
    }

    @Test
    void aPortInUseStopsTheStartNamingTheFlag(EmbeddedKafkaBroker broker) throws Exception {
        broker.createTopic(input, 1);
        broker.createTopic(output, 1);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            Transformer transformer = new Transformer(
                    config(broker).metricsPort(taken.getLocalPort()).build(),
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            transformer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> transformer.failure() != null);
            transformer.close();
            assertThat(transformer.failure().toString())
                    .contains("--metrics-port " + taken.getLocalPort())
                    .contains("cannot be used");
            assertThat(transformer.metrics().getConsumed()).isZero();
        }
    }
}
