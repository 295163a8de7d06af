package io.thermocline.sampler;

import io.thermocline.metrics.Health;
import io.thermocline.metrics.MetricsConfig;
import io.thermocline.metrics.MetricsServer;
import io.thermocline.metrics.ServiceMetrics;
import io.thermocline.sampler.linux.DamonSysfs;
import io.thermocline.sampler.linux.LinuxFs;
import io.thermocline.sampler.linux.LinuxSamplerBackend;
import io.thermocline.sampler.linux.MissingCapabilityException;
import io.thermocline.sampler.linux.ProcMaps;
import io.thermocline.topics.TopicSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampler on a real Linux host: {@code thermocline-sampler [config.properties]}, every key overridable as
 * {@code TC_SAMPLER_<KEY>}. Exit codes: 0 stopped, 2 a capability or kernel interface is missing (the message names
 * it), 3 bad configuration, 1 anything else.
 */
public final class SamplerMain {

    private static final Logger LOG = LoggerFactory.getLogger(SamplerMain.class);
    public static final int EXIT_MISSING_CAPABILITY = 2;
    public static final int EXIT_BAD_CONFIG = 3;
    public static final String SERVICE = "sampler";

    private SamplerMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> env) {
        return run(args, env, LinuxFs.HOST);
    }

    /** The whole program against the given /proc and /sys (a fake tree in tests). */
    static int run(String[] args, Map<String, String> env, LinuxFs fs) {
        SamplerConfig cfg;
        try {
            cfg = SamplerConfig.fromEnv(load(args), env);
        } catch (ConfigException | IOException e) {
            System.err.println("thermocline-sampler: bad configuration: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        LinuxSamplerBackend backend;
        try {
            backend = LinuxSamplerBackend.open(cfg.host(), fs,
                    LinuxSamplerBackend.Mode.valueOf(cfg.getString(SamplerConfig.ACCESS_SOURCE).toUpperCase(
                            java.util.Locale.ROOT)),
                    pidFilter(cfg, fs),
                    new DamonSysfs.Attrs(cfg.getLong(SamplerConfig.DAMON_SAMPLE_US),
                            cfg.getLong(SamplerConfig.DAMON_AGGR_US), cfg.getLong(SamplerConfig.DAMON_AGGR_US) * 10,
                            cfg.getInt(SamplerConfig.DAMON_MIN_REGIONS), cfg.getInt(SamplerConfig.DAMON_MAX_REGIONS)),
                    cfg.getInt(SamplerConfig.DAMON_MIN_ACCESSES));
        } catch (MissingCapabilityException e) {
            System.err.println("thermocline-sampler: missing " + e.what() + " - " + e.getMessage());
            return EXIT_MISSING_CAPABILITY;
        } catch (IOException e) {
            System.err.println("thermocline-sampler: cannot read kernel interfaces: " + e);
            return 1;
        }
        try (ServiceMetrics metrics = ServiceMetrics.create(SERVICE, cfg.host());
             SamplerService service = new SamplerService(cfg, backend,
                     TopicSerdes.fromConfig(cfg.serdeProps()), metrics.registry(), Clock.systemUTC())) {
            MetricsConfig mc = new MetricsConfig(cfg.originals(), MetricsConfig.DEFAULT_PORT_SAMPLER);
            MetricsServer server = mc.enabled() ? MetricsServer.start(mc, metrics.registry(),
                    () -> service.intervals() > 0 ? Health.healthy() : Health.unhealthy("no interval completed yet"))
                    : null;
            Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "sampler-shutdown"));
            service.start();
            service.run();
            if (server != null) {
                server.close();
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            LOG.error("sampler failed", e);
            return 1;
        }
    }

    static IntPredicate pidFilter(SamplerConfig cfg, LinuxFs fs) {
        List<String> pids = cfg.getList(SamplerConfig.PIDS);
        Set<Integer> set = pids.stream().filter(s -> !s.isBlank()).map(Integer::parseInt).collect(Collectors.toSet());
        String re = cfg.getString(SamplerConfig.COMM_PATTERN);
        Pattern p = re.isBlank() ? null : Pattern.compile(re);
        ProcMaps maps = new ProcMaps(fs);
        int self = (int) ProcessHandle.current().pid();
        return pid -> pid != self && (set.isEmpty() || set.contains(pid))
                && (p == null || p.matcher(String.valueOf(maps.comm(pid))).matches());
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
