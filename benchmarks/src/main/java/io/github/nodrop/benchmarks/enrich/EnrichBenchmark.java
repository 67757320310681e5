package io.github.nodrop.benchmarks.enrich;

import io.github.nodrop.enrich.JsonEnricher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * One record's enrichment as the transformer does it ({@link JsonEnricher}: jackson-core's streaming parser
 * with a strict UTF-8 check, the cut of any top-level {@code hash}, the MD5 and the splice) beside the MD5
 * alone, on log events as the appenders send them ({@link Events}): what is left of the first figure after
 * the second is the parsing and the splice. Run with {@code benchmarks/run-enrich.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnrichBenchmark {

    @Param({"logback", "ecs", "logback-stacktrace"})
    public String event;

    private byte[] in;
    private JsonEnricher enricher;
    private MessageDigest md5;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        in = Events.get(event);
        enricher = new JsonEnricher();
        md5 = MessageDigest.getInstance("MD5");
        JsonEnricher.Result result = enricher.enrich(in);
        if (!result.ok()) {
            throw new IllegalStateException("JsonEnricher refuses the " + event + " event: " + result.error());
        }
        System.out.println("\n" + event + " event, " + in.length + " bytes");
    }

    @Benchmark
    public byte[] enrich() {
        return enricher.enrich(in).value();
    }

    /** The MD5 alone: what is left of {@link #enrich} is the check and the splice. */
    @Benchmark
    public byte[] md5Only() {
        return md5.digest(in);
    }
}
