package io.thermocline.cli.demo;

import io.thermocline.cli.CliFailure;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.hotness.policy.ThermoclinePolicy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/** The hotness app as the local runs (demo, bench) configure it: one window per emulated epoch, RocksDB state. */
public final class LocalHotness {

    /** Partitions of every topic in the local runs: enough for two instances, cheap on two cores. */
    public static final int PARTITIONS = 2;

    private LocalHotness() {
    }

    public static Map<String, Object> props(String bootstrap, String registryUrl, Path stateDir, String appId,
                                            long windowMs) {
        Map<String, Object> hp = new HashMap<>(ThermoclinePolicy.emulatorDefaults(windowMs));
        hp.put(HotnessConfig.APPLICATION_ID, appId);
        hp.put(HotnessConfig.BOOTSTRAP_SERVERS, bootstrap);
        hp.put(HotnessConfig.REGISTRY_URL, registryUrl);
        hp.put(HotnessConfig.STATE_DIR, stateDir.toString());
        hp.put(HotnessConfig.PARTITIONS, PARTITIONS);
        hp.put(HotnessConfig.COMMIT_INTERVAL_MS, 100L);
        hp.put(HotnessConfig.DECISION_DEADLINE_MS, Math.max(30_000L, 10 * windowMs));
        int port = freePort();
        hp.put(HotnessConfig.HTTP_PORT, port);
        hp.put(HotnessConfig.APPLICATION_SERVER, "127.0.0.1:" + port);
        hp.put(HotnessConfig.METRICS_PORT, 0); // /metrics on a free port: several local apps may share the machine
        // the service's store engine, whatever the in-process emulator policy uses
        hp.put("store.type", "rocksdb");
        return hp;
    }

    /** As {@link #props}, with the service's default decision parameters instead of the emulator's. */
    public static Map<String, Object> serviceProps(String bootstrap, String registryUrl, Path stateDir, String appId,
                                                   long windowMs) {
        Map<String, Object> hp = props(bootstrap, registryUrl, stateDir, appId, windowMs);
        hp.keySet().removeAll(ThermoclinePolicy.EMULATOR_POLICY_KEYS);
        return hp;
    }

    /** Local runs start their own broker under {@code dir/cluster}: a directory holding one is refused. */
    public static void requireFreshWorkDir(picocli.CommandLine cl, Path dir) {
        if (java.nio.file.Files.exists(dir.resolve("cluster"))) {
            throw new picocli.CommandLine.ParameterException(cl, "--work-dir " + dir
                    + " already holds a previous run's cluster; give a new directory or delete that one");
        }
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    public static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
                throw new CliFailure("hotness app did not reach RUNNING (state " + streams.state() + ")");
            }
            Thread.sleep(100);
        }
    }
}
