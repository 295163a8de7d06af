package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.deploy.fake.FakeAgentConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The env checker itself: it must catch what it claims to catch. */
class ServiceConfigsTest {

    private static ServiceConfigs.Report check(Map<String, String> env) {
        // the fake service is checked through the same code path as the real ones
        return ServiceConfigs.checkWith(List.of(new ServiceConfigs.Service("fake", "TC_FAKE_",
                FakeAgentConfig.class.getName()), new ServiceConfigs.Service("ghost", "TC_GHOST_",
                "io.thermocline.ghost.GhostConfig")), "test", env, Set.of("fake", "ghost"));
    }

    @Test
    void acceptsKnownKeysAndPassThrough() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TC_FAKE_BOOTSTRAP_SERVERS", "kafka:9092");
        env.put("TC_FAKE_HTTP_PORT", "8085");
        env.put("TC_FAKE_FAST_TIER_RATIO", null);
        env.put("TC_FAKE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("POD_NAME", null);
        ServiceConfigs.Report r = check(env);
        assertEquals(List.of(), r.errors);
        assertEquals(List.of(), r.pending);
        assertEquals(4, r.checked.size(), r.checked.toString());
    }

    @Test
    void rejectsUnknownKeysBadValuesMissingRequiredAndStrayVariables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TC_FAKE_HTTP_PROT", "8085");
        env.put("TC_FAKE_HTTP_PORT", "99999");
        env.put("TC_FAEK_WINDOW_MS", "1");
        ServiceConfigs.Report r = check(env);
        String all = String.join("\n", r.errors);
        assertTrue(all.contains("TC_FAKE_HTTP_PROT is not a key"), all);
        assertTrue(all.contains("TC_FAKE_HTTP_PORT=99999 is invalid"), all);
        assertTrue(all.contains("TC_FAEK_WINDOW_MS belongs to no service"), all);
        assertTrue(all.contains("required key bootstrap.servers (TC_FAKE_BOOTSTRAP_SERVERS) is not set"), all);
        assertEquals(4, r.errors.size(), all);
    }

    @Test
    void requiredKeysOnlyForTheServicesOwnImage() {
        ServiceConfigs.Report r = ServiceConfigs.checkWith(List.of(new ServiceConfigs.Service("fake", "TC_FAKE_",
                FakeAgentConfig.class.getName())), "launcher", Map.of("TC_FAKE_HTTP_PORT", "1"), Set.of());
        assertEquals(List.of(), r.errors);
    }

    @Test
    void missingClassIsPendingNotAnError() {
        ServiceConfigs.Report r = check(Map.of("TC_GHOST_HOST_ID", "n1"));
        assertEquals(List.of(), r.errors);
        assertEquals(1, r.pending.size());
        assertTrue(r.pending.get(0).contains("io.thermocline.ghost.GhostConfig does not exist yet"));
    }
}
