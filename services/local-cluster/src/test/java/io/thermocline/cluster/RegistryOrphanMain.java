package io.thermocline.cluster;

import java.nio.file.Path;

/**
 * A parent JVM for {@link RegistryServerProcessIT}: starts the registry, prints its pid and
 * sleeps until killed. Killing it with SIGKILL runs no shutdown hook, so only the child's own
 * stdin-EOF watch can stop the registry.
 */
public final class RegistryOrphanMain {

    static final String PID_PREFIX = "REGISTRY_PID=";

    private RegistryOrphanMain() {
    }

    public static void main(String[] args) throws Exception {
        RegistryServerProcess registry = RegistryServerProcess.start(Path.of(args[0]), Path.of(args[1]));
        System.out.println(PID_PREFIX + registry.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
