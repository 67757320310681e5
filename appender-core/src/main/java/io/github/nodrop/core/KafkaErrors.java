package io.github.nodrop.core;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Sorts what Kafka answers to a send into what the engine does about it. Kafka's exception types are
 * the contract here; one message text is matched because Kafka gives no type for it (a record failed only
 * because a batch-mate was invalid, a plain {@link KafkaException} since KIP-467).
 */
enum KafkaErrors {
    /** This record is refused for good; the records beside it are fine. Quarantine it. */
    REFUSED,
    /** Failed only because another record of its batch was refused: send it again. */
    BATCH_MATE,
    /** Kafka is unreachable, slow or refusing everyone now: spool, and wait for it to come back. */
    UNAVAILABLE,
    /** Kafka refuses this client's credentials or permissions: spool, report loudly, keep checking. */
    UNAUTHORIZED,
    /** This producer instance can send no more (closed, fenced, fatal idempotence error): replace it. */
    PRODUCER_BROKEN;

    static KafkaErrors classify(Throwable error) {
        if (error instanceof RecordTooLargeException
                || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException
                || error instanceof InvalidTimestampException
                || error instanceof InvalidTopicException
                || error instanceof UnsupportedForMessageFormatException) {
            return REFUSED;
        }
        if (error != null
                && error.getClass() == KafkaException.class
                && String.valueOf(error.getMessage()).contains("part of a batch which had")) {
            return BATCH_MATE;
        }
        if (isSecurityFailure(error) && !(error instanceof ClusterAuthorizationException)) {
            return UNAUTHORIZED;
        }
        if (error instanceof ProducerFencedException
                || error instanceof OutOfOrderSequenceException
                || error instanceof InvalidProducerEpochException
                || error instanceof UnsupportedVersionException
                || error instanceof ClusterAuthorizationException
                || error instanceof IllegalStateException
                || (error != null
                        && error.getClass() == KafkaException.class
                        && String.valueOf(error.getMessage()).contains("previous transactional or idempotent"))) {
            return PRODUCER_BROKEN;
        }
        return UNAVAILABLE;
    }

    static boolean isSecurityFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
                return true;
            }
        }
        return false;
    }
}
