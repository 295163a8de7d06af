package io.thermocline.hotness.errors;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs an exception that escaped the handlers and replaces the stream thread (its tasks resume from the last commit). */
public final class UncaughtHandler implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(UncaughtHandler.class);

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (exception instanceof Error && !(exception instanceof AssertionError)) {
            LOG.error("fatal error in a stream thread, shutting the client down", exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("uncaught exception in a stream thread, replacing the thread", exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
