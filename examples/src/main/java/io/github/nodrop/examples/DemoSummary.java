package io.github.nodrop.examples;

/** What the demo found at the end; the demo's test asserts on it. */
public final class DemoSummary {

    public long logged;
    public long distinctEnriched;
    public long missing;
    public long duplicates;
    public long dlq;
    public long spooled;
    public long replayed;
    public double loggingSeconds;
    public double totalSeconds;
    public boolean outage;
    public String sampleRecord;
    public String sampleHash;
    public String recomputedHash;

    public boolean hashCheckPassed() {
        return sampleHash != null && sampleHash.equals(recomputedHash);
    }

    public boolean passed() {
        return missing == 0 && hashCheckPassed();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("  events logged            %,d%n", logged));
        text.append(String.format(
                "  broker outage            %s%n",
                outage ? "yes (spooled " + spooled + ", replayed " + replayed + ")" : "no"));
        text.append(String.format("  found in enriched topic  %,d%n", distinctEnriched));
        text.append(String.format("  missing                  %,d%n", missing));
        text.append(String.format("  duplicates               %,d%n", duplicates));
        text.append(String.format("  dead-lettered            %,d%n", dlq));
        text.append(String.format(
                "  logging rate             %,.0f events/s over %.1f s%n",
                logged / Math.max(loggingSeconds, 1e-9), loggingSeconds));
        text.append(String.format("  end to end               %.1f s%n", totalSeconds));
        text.append(String.format("  sample enriched record   %s%n", sampleRecord));
        text.append(String.format(
                "  hash check               %s (hash %s, MD5 of the original %s)%n",
                hashCheckPassed() ? "passed" : "FAILED", sampleHash, recomputedHash));
        text.append(passed() ? "  RESULT: every event arrived, enriched" : "  RESULT: FAILED");
        return text.toString();
    }
}
