package io.thermocline.cli;

import io.thermocline.avro.keys.PinKey;
import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.TierKind;
import io.thermocline.serde.WireSerdeFactory;
import io.thermocline.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code thermocline pin add|list|rm}: user pins of pages to a tier or node, kept in the compacted
 * {@code tc.policy-pins} topic keyed by pin id (a tombstone removes a pin).
 */
@Command(name = "pin", mixinStandardHelpOptions = true,
        description = "Pin pages to a tier or node (topic tc.policy-pins).",
        subcommands = {PinCommand.Add.class, PinCommand.ListPins.class, PinCommand.Remove.class})
public final class PinCommand implements Runnable {

    /** Default wait for broker answers. */
    static final String DEFAULT_TIMEOUT = "30s";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "pin needs a subcommand: add, list or rm");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create or replace a pin: pages matching every given selector stay in --tier or on --node.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--id", required = true, description = "Pin id (the record key); an existing pin is replaced.")
        String id;
        @Option(names = "--host", required = true, description = "Host id, or * for every host.")
        String host;
        @Option(names = "--cgroup", description = "cgroup v2 path prefix of the owning process.")
        String cgroup;
        @Option(names = "--pid", description = "Owning process id.")
        Integer pid;
        @Option(names = "--comm", description = "Exact command name of the owning process.")
        String comm;
        @Option(names = "--va-start", paramLabel = "ADDR", converter = AddressConverter.class,
                description = "First virtual address covered (inclusive; hex 0x... or decimal).")
        Long vaStart;
        @Option(names = "--va-end", paramLabel = "ADDR", converter = AddressConverter.class,
                description = "End of the covered range (exclusive; hex 0x... or decimal).")
        Long vaEnd;
        @Option(names = "--tier", description = "Wanted tier: DRAM, CXL, DEVICE_COHERENT or DEVICE_PRIVATE.")
        TierKind tier;
        @Option(names = "--node", description = "Wanted NUMA node id.")
        Integer node;
        @Option(names = "--reason", defaultValue = "", description = "Why (shown to operators).")
        String reason;
        @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Expire the pin after this long (e.g. 90s, 30m, 12h, 7d or PT30M); default never.")
        Duration ttl;
        @Option(names = "--timeout", defaultValue = DEFAULT_TIMEOUT, converter = DurationConverter.class,
                description = "How long to wait for the broker (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            Instant now = Instant.now();
            PolicyPin pin = toPin(now);
            try (Pins pins = new Pins(cluster, timeout)) {
                RecordMetadata md = pins.write(id, pin);
                PrintWriter out = spec.commandLine().getOut();
                out.printf("pin %s written to %s (partition %d, offset %d): %s%n", id, md.topic(), md.partition(),
                        md.offset(), describe(pin, now));
                out.flush();
            } catch (CliFailure f) {
                return CliFailure.report(spec, f);
            } catch (KafkaException e) {
                return CliFailure.report(spec, new CliFailure("Kafka error: " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")")));
            }
            return 0;
        }

        /** Validates the flags and builds the record. */
        PolicyPin toPin(Instant now) {
            CommandLine cl = spec.commandLine();
            if (id.isBlank()) {
                throw new ParameterException(cl, "--id must not be blank");
            }
            if (host.isBlank()) {
                throw new ParameterException(cl, "--host must be a host id or *");
            }
            if (tier == null && node == null) {
                throw new ParameterException(cl, "say where the pages go: --tier " + tierChoices() + " or --node N");
            }
            if (tier != null && node != null) {
                throw new ParameterException(cl, "give either --tier or --node, not both");
            }
            if (tier == TierKind.UNKNOWN) {
                throw new ParameterException(cl, "--tier UNKNOWN is not a place: use one of " + tierChoices());
            }
            if (node != null && node < 0) {
                throw new ParameterException(cl, "--node must be >= 0, got " + node);
            }
            if (pid != null && pid <= 0) {
                throw new ParameterException(cl, "--pid must be > 0, got " + pid);
            }
            if ((vaStart == null) != (vaEnd == null)) {
                throw new ParameterException(cl, "--va-start and --va-end go together");
            }
            if (vaStart != null && vaEnd <= vaStart) {
                throw new ParameterException(cl, String.format(Locale.ROOT,
                        "--va-end (0x%x) must be greater than --va-start (0x%x)", vaEnd, vaStart));
            }
            if (cgroup != null && cgroup.isBlank() || comm != null && comm.isBlank()) {
                throw new ParameterException(cl, "--cgroup and --comm must not be blank");
            }
            if (cgroup == null && pid == null && comm == null && vaStart == null) {
                throw new ParameterException(cl,
                        "a pin needs a selector: --cgroup, --pid, --comm and/or --va-start/--va-end");
            }
            if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
                throw new ParameterException(cl, "--ttl must be positive, got " + ttl);
            }
            PinSelector selector = PinSelector.newBuilder().setCgroup(cgroup).setPid(pid).setComm(comm)
                    .setVaStart(vaStart).setVaEnd(vaEnd).build();
            return PolicyPin.newBuilder().setPinId(id).setHost(host).setSelector(selector).setWantedTier(tier)
                    .setWantedNode(node).setReason(reason).setCreatedMs(now)
                    .setExpiresMs(ttl == null ? null : now.plus(ttl)).build();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print the current pins: the compacted topic read to its end, latest value per id.")
    static final class ListPins implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        ClusterOptions cluster;
        @Option(names = "--timeout", defaultValue = DEFAULT_TIMEOUT, converter = DurationConverter.class,
                description = "How long to wait for the broker (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            Map<String, PolicyPin> current;
            try (Pins pins = new Pins(cluster, timeout)) {
                current = pins.readAll();
            } catch (CliFailure f) {
                return CliFailure.report(spec, f);
            } catch (KafkaException e) {
                return CliFailure.report(spec, new CliFailure("Kafka error: " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")")));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(table(current.values(), Instant.now()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a pin (writes a tombstone for its id).")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        ClusterOptions cluster;
        @Option(names = "--id", required = true, description = "Pin id.")
        String id;
        @Option(names = "--force", description = "Write the tombstone even if no such pin is current.")
        boolean force;
        @Option(names = "--timeout", defaultValue = DEFAULT_TIMEOUT, converter = DurationConverter.class,
                description = "How long to wait for the broker (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            try (Pins pins = new Pins(cluster, timeout)) {
                if (!force && !pins.readAll().containsKey(id)) {
                    spec.commandLine().getErr().printf("no pin with id '%s' (see 'thermocline pin list'; "
                            + "--force writes the tombstone anyway)%n", id);
                    return 1;
                }
                RecordMetadata md = pins.write(id, null);
                spec.commandLine().getOut().printf("pin %s removed (tombstone at partition %d, offset %d)%n", id,
                        md.partition(), md.offset());
                spec.commandLine().getOut().flush();
            } catch (CliFailure f) {
                return CliFailure.report(spec, f);
            } catch (KafkaException e) {
                return CliFailure.report(spec, new CliFailure("Kafka error: " + e.getMessage()
                        + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")")));
            }
            return 0;
        }
    }

    /** Reads and writes tc.policy-pins. */
    static final class Pins implements AutoCloseable {
        private final ClusterOptions cluster;
        private final Duration timeout;
        private final Serde<PinKey> keySerde;
        private final Serde<PolicyPin> valueSerde;
        /** An unanswered admin call would otherwise hold close() for the default API timeout. */
        private static final Duration ADMIN_CLOSE = Duration.ofSeconds(2);

        Pins(ClusterOptions cluster, Duration timeout) {
            this.cluster = cluster;
            this.timeout = timeout;
            requireTopic();
            Map<String, Object> serdeConfigs = cluster.serdeConfigs();
            WireSerdeFactory factory = WireSerdeFactory.fromConfig(serdeConfigs);
            this.keySerde = factory.serde(PinKey.class, serdeConfigs, true);
            this.valueSerde = factory.serde(PolicyPin.class, serdeConfigs, false);
        }

        private void requireTopic() {
            Map<String, Object> c = cluster.clientConfigs("thermocline-pin-admin");
            int ms = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
            c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
            c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
            Admin admin = Admin.create(c);
            try {
                admin.describeTopics(List.of(topic())).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new CliFailure("topic " + topic() + " does not exist on " + cluster.bootstrapServers()
                            + ": create the catalogue's topics first");
                }
                throw new CliFailure("cannot reach Kafka at " + cluster.bootstrapServers() + ": "
                        + e.getCause().getMessage());
            } catch (TimeoutException e) {
                throw new CliFailure("no answer from Kafka at " + cluster.bootstrapServers() + " within " + timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliFailure("interrupted");
            } finally {
                admin.close(ADMIN_CLOSE);
            }
        }

        static String topic() {
            return Topics.POLICY_PINS.name();
        }

        /** Writes a pin, or a tombstone when {@code pin} is null, and waits for the broker's ack. */
        RecordMetadata write(String id, PolicyPin pin) throws InterruptedException {
            Map<String, Object> c = cluster.clientConfigs("thermocline-pin");
            c.put(ProducerConfig.ACKS_CONFIG, "all");
            c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
            int requestMs = (int) Math.min(timeout.toMillis(), 30_000);
            c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestMs);
            c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            // must be >= linger + request timeout
            c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                    Math.max(timeout.toMillis(), requestMs + 1_000L)));
            try (KafkaProducer<PinKey, PolicyPin> producer =
                         new KafkaProducer<>(c, keySerde.serializer(), valueSerde.serializer())) {
                return producer.send(new ProducerRecord<>(topic(), new PinKey(id), pin)).get();
            } catch (ExecutionException e) {
                throw new CliFailure("cannot write to " + topic() + ": " + e.getCause().getMessage());
            }
        }

        /** Reads the topic from the start to the end offsets of now: latest pin per id, tombstones applied. */
        Map<String, PolicyPin> readAll() {
            Map<String, Object> c = cluster.clientConfigs("thermocline-pin-list");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            Map<String, PolicyPin> pins = new TreeMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer =
                         new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = consumer.partitionsFor(topic(), timeout).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!reached(consumer, end)) {
                    if (System.nanoTime() > deadline) {
                        throw new CliFailure("could not read " + topic() + " to its end within " + timeout);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        PinKey key = keySerde.deserializer().deserialize(r.topic(), r.key());
                        if (key == null) {
                            continue;
                        }
                        PolicyPin pin = r.value() == null ? null
                                : valueSerde.deserializer().deserialize(r.topic(), r.value());
                        if (pin == null) {
                            pins.remove(key.getPinId());
                        } else {
                            pins.put(key.getPinId(), pin);
                        }
                    }
                }
            }
            return pins;
        }

        private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                if (consumer.position(e.getKey()) < e.getValue()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            keySerde.close();
            valueSerde.close();
        }
    }

    static String tierChoices() {
        List<String> names = new ArrayList<>();
        for (TierKind t : TierKind.values()) {
            if (t != TierKind.UNKNOWN) {
                names.add(t.name());
            }
        }
        return String.join("|", names);
    }

    static String selector(PinSelector s) {
        List<String> parts = new ArrayList<>();
        if (s.getCgroup() != null) {
            parts.add("cgroup=" + s.getCgroup());
        }
        if (s.getPid() != null) {
            parts.add("pid=" + s.getPid());
        }
        if (s.getComm() != null) {
            parts.add("comm=" + s.getComm());
        }
        if (s.getVaStart() != null) {
            parts.add(String.format(Locale.ROOT, "va=0x%x-0x%x", s.getVaStart(), s.getVaEnd()));
        }
        return parts.isEmpty() ? "(all pages)" : String.join(" ", parts);
    }

    static String target(PolicyPin p) {
        return p.getWantedTier() != null ? p.getWantedTier().name() : "node " + p.getWantedNode();
    }

    static String describe(PolicyPin p, Instant now) {
        return "host " + p.getHost() + ", " + selector(p.getSelector()) + " -> " + target(p)
                + (p.getExpiresMs() == null ? "" : ", expires " + p.getExpiresMs());
    }

    /** The list output: one row per pin, aligned columns. */
    static String table(Iterable<PolicyPin> pins, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "HOST", "SELECTOR", "TARGET", "STATE", "EXPIRES", "REASON"});
        for (PolicyPin p : pins) {
            boolean expired = p.getExpiresMs() != null && !p.getExpiresMs().isAfter(now);
            rows.add(new String[] {p.getPinId(), p.getHost(), selector(p.getSelector()), target(p),
                expired ? "expired" : "active", Objects.toString(p.getExpiresMs(), "never"), p.getReason()});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", r[i]));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        if (rows.size() == 1) {
            b.append("(no pins)\n");
        }
        return b.toString();
    }

    /** Hex (0x...) or decimal address. */
    static final class AddressConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().replace("_", "");
            try {
                long a = v.startsWith("0x") || v.startsWith("0X") ? Long.parseUnsignedLong(v.substring(2), 16)
                        : Long.parseLong(v);
                if (a < 0) {
                    throw new CommandLine.TypeConversionException("address out of range: " + value);
                }
                return a;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not an address (0x... or decimal): " + value);
            }
        }
    }

    /** 90s, 30m, 12h, 7d, 250ms, or ISO-8601 (PT30M). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("p")) {
                    return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new CommandLine.TypeConversionException(bad(value));
                };
            } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
                throw new CommandLine.TypeConversionException(bad(value));
            }
        }

        private static String bad(String value) {
            return "not a duration (e.g. 90s, 30m, 12h, 7d, 250ms, PT30M): '" + value + "'";
        }
    }
}
