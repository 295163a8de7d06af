package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/** Turns a {@link ServiceConfigs.Report} into a test outcome: errors fail, pending items abort (skip) with a message. */
final class EnvAssertions {

    private EnvAssertions() {
    }

    /** @param image the container's image: required keys are enforced for the service it is the image of */
    static void assertEnvMatchesConfig(String where, Map<String, String> env, String image) {
        Set<String> own = new HashSet<>();
        String repo = Images.repository(image);
        String prefix = Images.THERMOCLINE_REPOSITORY + "thermocline-";
        if (repo.startsWith(prefix)) {
            own.add(repo.substring(prefix.length()));
        }
        ServiceConfigs.Report r = ServiceConfigs.check(where, env, own);
        if (!r.errors.isEmpty()) {
            fail("environment does not match the config classes:\n  " + String.join("\n  ", r.errors)
                    + (r.pending.isEmpty() ? "" : "\npending:\n  " + String.join("\n  ", r.pending)));
        }
        Assumptions.assumeTrue(r.pending.isEmpty(), () -> "not checkable yet (" + r.checked.size()
                + " variables checked): " + String.join("; ", r.pending));
    }
}
