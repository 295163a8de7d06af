package io.thermocline.migrator;

import io.thermocline.metrics.Health;
import io.thermocline.metrics.MetricsConfig;
import io.thermocline.metrics.MetricsServer;
import io.thermocline.metrics.ServiceMetrics;
import io.thermocline.migrator.linux.LinuxMigrationTarget;
import io.thermocline.sampler.linux.LinuxFs;
import io.thermocline.sampler.linux.MissingCapabilityException;
import io.thermocline.topics.TopicSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migrator on a real Linux host: {@code thermocline-migrator [config.properties]}, every key overridable as
 * {@code TC_MIGRATOR_<KEY>}. Exit codes: 0 stopped, 2 a capability or kernel interface is missing (the message names
 * it), 3 bad configuration, 4 fenced by a newer instance for the same host, 1 anything else.
 */
public final class MigratorMain {

    private static final Logger LOG = LoggerFactory.getLogger(MigratorMain.class);
    public static final int EXIT_MISSING_CAPABILITY = 2;
    public static final int EXIT_BAD_CONFIG = 3;
    public static final int EXIT_FENCED = 4;
    public static final String SERVICE = "migrator";

    private MigratorMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        return run(args, env, LinuxFs.HOST);
    }

    /** The whole program against the given /proc and /sys (a fake tree in tests). */
    static int run(String[] args, Map<String, String> env, LinuxFs fs) {
        MigratorConfig cfg;
        try {
            cfg = MigratorConfig.fromEnv(load(args), env);
        } catch (ConfigException | IOException e) {
            System.err.println("thermocline-migrator: bad configuration: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        LinuxMigrationTarget target;
        try {
            target = LinuxMigrationTarget.open(fs);
        } catch (MissingCapabilityException e) {
            System.err.println("thermocline-migrator: missing " + e.what() + " - " + e.getMessage());
            return EXIT_MISSING_CAPABILITY;
        } catch (IOException e) {
            System.err.println("thermocline-migrator: cannot read kernel interfaces: " + e);
            return 1;
        }
        try (ServiceMetrics metrics = ServiceMetrics.create(SERVICE, cfg.host());
             MigratorService service = new MigratorService(cfg, target, TopicSerdes.fromConfig(cfg.serdeProps()),
                     metrics.registry(), Clock.systemUTC())) {
            MetricsConfig mc = new MetricsConfig(cfg.originals(), MetricsConfig.DEFAULT_PORT_MIGRATOR);
            MetricsServer server = mc.enabled() ? MetricsServer.start(mc, metrics.registry(),
                    () -> service.ready() ? Health.healthy() : Health.unhealthy("not ready")) : null;
            Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "migrator-shutdown"));
            service.start();
            try {
                service.run();
            } catch (IllegalStateException e) {
                if (e.getMessage() != null && e.getMessage().contains("fenced")) {
                    LOG.error("{}", e.getMessage());
                    return EXIT_FENCED;
                }
                throw e;
            } finally {
                if (server != null) {
                    server.close();
                }
            }
            return 0;
        } catch (Exception e) {
            LOG.error("migrator failed", e);
            return 1;
        }
    }

    static Map<String, Object> load(String[] args) throws IOException {
        Map<String, Object> props = new HashMap<>();
        if (args.length > 0) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                p.load(in);
            }
            p.forEach((k, v) -> props.put(k.toString(), v));
        }
        return props;
    }
}
