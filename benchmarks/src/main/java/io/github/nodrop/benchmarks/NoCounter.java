package io.github.nodrop.benchmarks;

/** The counter of a contender that discards every event: nothing arrives anywhere, so it counts nothing. */
final class NoCounter extends DeliveryCounter {

    NoCounter(int expected) {
        super("none", expected);
        start();
    }

    @Override
    void poll() throws InterruptedException {
        Thread.sleep(50); // nothing to read: the harness closes this counter when the run ends
    }

    @Override
    void release() {}
}
