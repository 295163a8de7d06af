package io.thermocline.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The benchmark's JSON is valid and carries the figures it was given. */
class BrokerBenchTest {

    @Test
    void jsonParsesAndCarriesEveryRun() throws Exception {
        BrokerBench.Scenario s1 = BrokerBench.SCENARIOS.get(0);
        BrokerBench.Scenario s2 = BrokerBench.SCENARIOS.get(1);
        List<BrokerBench.Result> results = List.of(
                new BrokerBench.Result(s1, 1000, 0.5, 2000, 0.14, 0.25, 0.25),
                new BrokerBench.Result(s2, 1000, 1.0, 1000, 0.07, 1.0, 1.0));
        String json = BrokerBench.toJson(1000, 64, 3, 1500, 200L << 20, 300L << 20, results, 1.5, 2.0);
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals(1500, root.get("broker_startup_ms").asLong());
        assertEquals(200L << 20, root.get("broker_rss_bytes_after_start").asLong());
        assertEquals(2, root.get("runs").size());
        assertEquals(s1.name(), root.get("runs").get(0).get("name").asText());
        assertEquals(2000, root.get("runs").get(0).get("records_per_s").asDouble(), 0.5);
        assertEquals(2000, root.get("runs").get(0).get("records_per_cpu_s").asDouble(), 0.5);
        assertEquals(500, root.get("runs").get(1).get("records_per_cpu_s").asDouble(), 0.5);
        assertEquals(1.5, root.get("load_average_1m_before").asDouble(), 1e-9);
    }
}
