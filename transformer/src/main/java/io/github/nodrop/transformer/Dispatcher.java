package io.github.nodrop.transformer;

import java.util.ArrayDeque;

/**
 * How one mode spreads the work of at-least-once delivery over threads. The polling thread hands records
 * over in offset order, as far as the dispatcher's bounds allow; what it does not take stays in the backlog
 * (and the consumer pauses), so memory stays bounded and the polling thread never blocks.
 */
interface Dispatcher {

    void start();

    /**
     * Takes records from the head of the backlog while its bounds allow; polling thread only. Returns
     * whether the backlog is empty now.
     */
    boolean dispatch(ArrayDeque<Item> backlog);

    /** Records handed over and not yet sent. */
    int queued();

    /** Sends what it holds, then stops its threads; returns at the deadline at the latest. */
    void finish(long deadlineNanos);

    static Dispatcher of(Mode mode, Stages stages) {
        switch (mode) {
            case SERIAL:
                return new SerialDispatcher(stages);
            case WORKER:
                return new StagedDispatcher(stages, false, stages.config.workers);
            default:
                return new StagedDispatcher(stages, true, 1);
        }
    }
}
