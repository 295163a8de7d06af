package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.cli.demo.Fleet;
import io.thermocline.cli.demo.LocalHotness;
import io.thermocline.cli.demo.StreamsQuiescence;
import io.thermocline.cluster.LocalCluster;
import io.thermocline.cluster.junit.LocalClusterExtension;
import io.thermocline.hotness.HotnessApp;
import io.thermocline.hotness.HotnessConfig;
import io.thermocline.topics.TopicAdmin;
import io.thermocline.topics.TopicSerdes;
import io.thermocline.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code top} against a real hotness app that an emulated host fed through Kafka. */
@ExtendWith(LocalClusterExtension.class)
class TopCommandIT {

    @Test
    void listsTheHottestPagesOfAHostWithTheirOwners(LocalCluster cluster) throws Exception {
        TopicAdmin.ensureTopics(cluster.admin(), Topics.ALL, LocalHotness.PARTITIONS, (short) 1);
        Map<String, Object> serde = Map.of("schema.registry.url", cluster.registryUrl());
        TopicSerdes.registerSchemas(serde);
        var serdes = TopicSerdes.fromConfig(serde);
        Path dir = Files.createDirectories(Path.of("target", "top-it"));
        String appId = "top-it-" + System.nanoTime();
        Map<String, Object> hp = new java.util.HashMap<>(LocalHotness.props(cluster.bootstrapServers(),
                cluster.registryUrl(), dir.resolve("hotness"), appId, 1000));
        // the shared cluster's tc.page-access may come from another IT: read it directly with its partitions
        hp.put(HotnessConfig.PARTITIONS, cluster.admin().describeTopics(List.of(Topics.PAGE_ACCESS.name()))
                .allTopicNames().get().get(Topics.PAGE_ACCESS.name()).partitions().size());
        try (HotnessApp app = new HotnessApp(new HotnessConfig(hp), serdes).start()) {
            LocalHotness.awaitRunning(app.streams());
            Fleet.Settings s = new Fleet.Settings(1, List.of("gups-hotset"), 4096, 0.25, 4, 5, 1000, 32768, true,
                    "first-touch", dir);
            try (Fleet fleet = new Fleet(s, cluster.bootstrapServers(), cluster.registryUrl(), serdes,
                    new StreamsQuiescence(cluster.admin(), appId, Set.of(Topics.PFN_MOVES.name())))) {
                fleet.run();
            }
            CliRun r = CliRun.run("top", "--host", Fleet.hostName(0), "--k", "5",
                    "--url", "http://127.0.0.1:" + app.queryPort());
            assertEquals(0, r.exitCode(), r.toString());
            List<String> rows = r.out().lines().filter(l -> l.matches("^\\d+\\s+0x.*")).toList();
            assertEquals(5, rows.size(), r.out());
            assertTrue(rows.get(0).contains("gups-hotset") || rows.get(0).matches(".*\\s1000\\s.*"),
                    "owner (pid 1000 / comm) shown: " + r.out());
            CliRun json = CliRun.run("top", "--host", Fleet.hostName(0), "--k", "3", "--json",
                    "--url", "http://127.0.0.1:" + app.queryPort());
            assertTrue(json.out().trim().startsWith("["), json.toString());
        }
    }
}
