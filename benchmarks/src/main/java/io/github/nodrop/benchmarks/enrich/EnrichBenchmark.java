package io.github.nodrop.benchmarks.enrich;

import io.github.nodrop.transformer.JsonEnricher;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One record's enrichment: the transformer's hand-written check-and-splice ({@link JsonEnricher}) against
 * the same on jackson-core's streaming parser ({@link JacksonEnricher}), on log events as the appenders send
 * them ({@link Events}). Both return the same bytes; the setup checks it. Run with
 * {@code benchmarks/run-enrich.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnrichBenchmark {

    @Param({"logback", "ecs", "logback-stacktrace"})
    public String event;

    private byte[] in;
    private JsonEnricher handWritten;
    private JacksonEnricher jackson;
    private JacksonEnricher jacksonStrict;
    private MessageDigest md5;

    @Setup
    public void setUp() throws IOException, NoSuchAlgorithmException {
        in = Events.get(event);
        handWritten = new JsonEnricher();
        jackson = new JacksonEnricher();
        jacksonStrict = new JacksonEnricher(true);
        md5 = MessageDigest.getInstance("MD5");
        JsonEnricher.Result result = handWritten.enrich(in);
        if (!result.ok()) {
            throw new IllegalStateException("JsonEnricher refuses the " + event + " event: " + result.error());
        }
        if (!Arrays.equals(result.value(), jackson.enrich(in))
                || !Arrays.equals(result.value(), jacksonStrict.enrich(in))) {
            throw new IllegalStateException("the two differ on the " + event + " event");
        }
        System.out.println("\n" + event + " event, " + in.length + " bytes");
    }

    @Benchmark
    public byte[] handWritten() {
        return handWritten.enrich(in).value();
    }

    @Benchmark
    public byte[] jacksonStreaming() throws IOException {
        return jackson.enrich(in);
    }

    /** The same with the JDK's strict UTF-8 check first, to refuse what JsonEnricher refuses. */
    @Benchmark
    public byte[] jacksonStreamingStrictUtf8() throws IOException {
        return jacksonStrict.enrich(in);
    }

    /** The MD5 alone, which both pay: what is left of each figure is the check and the splice. */
    @Benchmark
    public byte[] md5Only() {
        return md5.digest(in);
    }
}
