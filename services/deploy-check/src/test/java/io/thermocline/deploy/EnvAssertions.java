package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Turns a {@link ServiceConfigs.Report} into a test outcome: errors fail, pending items abort (skip) with a message. */
final class EnvAssertions {

    private EnvAssertions() {
    }

    static void assertEnvMatchesConfig(String where, Map<String, String> env) {
        ServiceConfigs.Report r = ServiceConfigs.check(where, env);
        if (!r.errors.isEmpty()) {
            fail("environment does not match the config classes:\n  " + String.join("\n  ", r.errors)
                    + (r.pending.isEmpty() ? "" : "\npending:\n  " + String.join("\n  ", r.pending)));
        }
        Assumptions.assumeTrue(r.pending.isEmpty(), () -> "not checkable yet (" + r.checked.size()
                + " variables checked): " + String.join("; ", r.pending));
    }
}
