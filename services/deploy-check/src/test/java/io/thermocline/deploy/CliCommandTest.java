package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.thermocline.cli.ThermoclineCli;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/** Containers running the thermocline CLI image pass arguments the real command line accepts. */
class CliCommandTest {

    static final String CLI_IMAGE = Images.THERMOCLINE_REPOSITORY + "thermocline-cli";

    @TestFactory
    Stream<DynamicTest> composeCliCommandsParse() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : DockerComposeTest.services().entrySet()) {
            if (!CLI_IMAGE.equals(Images.repository(String.valueOf(Repo.text(e.getValue(), "image"))))) {
                continue;
            }
            List<String> args = new ArrayList<>();
            e.getValue().path("command").forEach(a -> args.add(a.asText()));
            tests.add(DynamicTest.dynamicTest(e.getKey() + " " + args, () -> assertParses(e.getKey(), args)));
        }
        assertFalse(tests.isEmpty(), "the compose agent runs the CLI image");
        return tests.stream();
    }

    static void assertParses(String service, List<String> args) {
        assertFalse(args.isEmpty(), service + ": no command (the CLI would only print its usage)");
        CommandLine cli = new CommandLine(new ThermoclineCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        Assumptions.assumeTrue(cli.getSubcommands().containsKey(args.get(0)), () -> service + ": 'thermocline "
                + args.get(0) + "' does not exist yet (commands: " + cli.getSubcommands().keySet() + ")");
        try {
            cli.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException ex) {
            fail(service + ": thermocline " + String.join(" ", args) + " is rejected: " + ex.getMessage());
        }
    }
}
