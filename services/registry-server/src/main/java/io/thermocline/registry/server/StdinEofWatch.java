package io.thermocline.registry.server;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import java.io.IOException;
import java.io.InputStream;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Stops the registry when standard input reaches end-of-file, i.e. when the parent process that
 * launched it (with a pipe as stdin) is gone, even if that parent was SIGKILLed and never ran its
 * shutdown hooks. Off unless {@value #PROPERTY}=true, so a registry started by hand from a
 * terminal is not affected.
 */
@ApplicationScoped
public class StdinEofWatch {

    static final String PROPERTY = "thermocline.registry.exit-on-stdin-eof";
    private static final Logger LOG = Logger.getLogger(StdinEofWatch.class);

    @ConfigProperty(name = PROPERTY, defaultValue = "false")
    boolean enabled;

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        Thread watcher = new Thread(() -> watch(System.in), "stdin-eof-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    static void watch(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the parent never writes; anything it sends is ignored
            }
            LOG.info("standard input closed: the launching process is gone, stopping");
        } catch (IOException e) {
            LOG.infof("standard input failed (%s): the launching process is gone, stopping", e);
        }
        Quarkus.asyncExit();
    }
}
