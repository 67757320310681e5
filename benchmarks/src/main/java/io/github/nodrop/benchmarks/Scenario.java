package io.github.nodrop.benchmarks;

/** The situations every contender is measured in. */
enum Scenario {
    /** The broker is up for the whole run. */
    BROKER_UP("broker up"),
    /**
     * The broker is stopped before the contender starts and restarted once the contender has made its
     * calls (or hit the time cap); then the harness counts what reaches the topic.
     */
    BROKER_DOWN_AT_START("broker down at start");

    private final String title;

    Scenario(String title) {
        this.title = title;
    }

    String title() {
        return title;
    }
}
