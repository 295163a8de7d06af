package io.thermocline.cli;

import io.thermocline.cli.demo.Fleet;
import io.thermocline.emulator.run.EmulationReport;
import io.thermocline.topics.TopicSerdes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code thermocline agent --emulated --hosts N}: an emulated fleet's host agents (sampler + migrator per
 * host) in real time against an existing Kafka cluster and registry, for docker-compose and Kubernetes
 * test clusters. Real hosts run the sampler and migrator services themselves.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run emulated hosts' samplers and migrators in real time against an existing cluster.")
public final class AgentCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--emulated", description = "Emulated hosts (required: real hosts run the sampler and migrator "
            + "services, SamplerMain and MigratorMain).")
    boolean emulated;

    @CommandLine.Mixin
    FleetOptions shape;

    @Option(names = "--epochs", defaultValue = "86400", description = "Epochs to run (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--bootstrap-servers", description = "Kafka (default: $TC_SAMPLER_BOOTSTRAP_SERVERS).")
    String bootstrap;

    @Option(names = "--registry-url", description = "Schema registry (default: $TC_SAMPLER_SCHEMA_REGISTRY_URL).")
    String registryUrl;

    @Option(names = "--state-dir", defaultValue = "${env:TC_MIGRATOR_STATE_DIR:-/tmp/thermocline-agent}",
            description = "Migrator state (default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (!emulated) {
            throw new CommandLine.ParameterException(cl, "only --emulated hosts run in the CLI agent; on a real host "
                    + "run the sampler and migrator services (io.thermocline.sampler.SamplerMain, "
                    + "io.thermocline.migrator.MigratorMain)");
        }
        String b = bootstrap != null ? bootstrap : System.getenv("TC_SAMPLER_BOOTSTRAP_SERVERS");
        String r = registryUrl != null ? registryUrl : System.getenv("TC_SAMPLER_SCHEMA_REGISTRY_URL");
        if (b == null || r == null) {
            throw new CommandLine.ParameterException(cl, "set --bootstrap-servers and --registry-url (or "
                    + "TC_SAMPLER_BOOTSTRAP_SERVERS and TC_SAMPLER_SCHEMA_REGISTRY_URL)");
        }
        shape.validate(cl, epochs);
        Files.createDirectories(stateDir);
        Fleet.Settings settings = shape.settings(epochs, false, "", stateDir);
        PrintWriter out = cl.getOut();
        out.printf(Locale.ROOT, "agent: %d emulated hosts against %s, registry %s%n", shape.hosts, b, r);
        out.flush();
        try (Fleet fleet = new Fleet(settings, b, r, TopicSerdes.fromConfig(Map.of("schema.registry.url", r)), null)) {
            for (EmulationReport rep : fleet.run()) {
                out.print(rep.table());
            }
        }
        out.flush();
        return 0;
    }
}
