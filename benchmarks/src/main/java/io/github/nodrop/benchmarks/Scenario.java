package io.github.nodrop.benchmarks;

/** The situations every contender is measured in. */
enum Scenario {
    /** The broker is up for the whole run. */
    BROKER_UP("broker up"),
    /**
     * The broker is stopped before the contender starts and restarted once the contender has made its
     * calls (or hit the time cap); then the harness counts what reaches the topic.
     */
    BROKER_DOWN_AT_START("broker down at start"),
    /** The broker stays up; the contender logs at a fixed rate (a service's steady state, not a burst). */
    STEADY("broker up, steady rate"),
    /**
     * The contender logs at a fixed rate; the harness stops the broker 10 s into the run and restarts it
     * 10 s later; calls that start during the outage are timed apart.
     */
    OUTAGE_MID_RUN("broker stopped mid-run for 10 s"),
    /**
     * The contender logs at a fixed rate until the harness kills its JVM with SIGKILL; nodrop's are then
     * started again on the same directory to replay what they kept. The broker stays up.
     */
    KILL_BROKER_UP("kill -9 while logging, broker up"),
    /** As {@link #KILL_BROKER_UP}, with the broker stopped shortly before the kill and restarted after it. */
    KILL_BROKER_DOWN("kill -9 while logging, broker stopped before the kill");

    private final String title;

    Scenario(String title) {
        this.title = title;
    }

    String title() {
        return title;
    }

    /** Short name for directories. */
    String dirName() {
        return switch (this) {
            case BROKER_UP -> "up";
            case BROKER_DOWN_AT_START -> "down";
            case STEADY -> "steady";
            case OUTAGE_MID_RUN -> "outage";
            case KILL_BROKER_UP -> "kill-up";
            case KILL_BROKER_DOWN -> "kill-down";
        };
    }
}
