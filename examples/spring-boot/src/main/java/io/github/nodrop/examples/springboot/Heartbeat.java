package io.github.nodrop.examples.springboot;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Logs a numbered line every {@code example.heartbeat-interval}, so there is always something to ship. */
@Component
class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final AtomicLong beats = new AtomicLong();

    @Scheduled(fixedDelayString = "${example.heartbeat-interval:5s}")
    void beat() {
        log.info("heartbeat {}", beats.incrementAndGet());
    }
}
