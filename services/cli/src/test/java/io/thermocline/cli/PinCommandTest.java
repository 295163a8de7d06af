package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.TierKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flag validation and formatting of {@code pin}; no broker (every case fails before connecting). */
class PinCommandTest {

    /** Nothing listens here: a validation error must come before any connection attempt. */
    private static final String NOWHERE = "--bootstrap-servers=127.0.0.1:1";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no tier nor node|--id p --host h1 --pid 7|say where the pages go",
        "tier and node|--id p --host h1 --pid 7 --tier DRAM --node 0|either --tier or --node",
        "va-end <= va-start|--id p --host h1 --va-start 0x2000 --va-end 0x1000 --tier DRAM|must be greater than --va-start",
        "va-end without start|--id p --host h1 --va-end 0x1000 --tier DRAM|go together",
        "no selector|--id p --host * --tier DRAM|a pin needs a selector",
        "unknown tier|--id p --host h1 --pid 7 --tier FAST|Invalid value for option '--tier'",
        "UNKNOWN tier|--id p --host h1 --pid 7 --tier unknown|not a place",
        "negative node|--id p --host h1 --pid 7 --node -1|--node must be >= 0",
        "bad pid|--id p --host h1 --pid 0 --node 1|--pid must be > 0",
        "bad ttl|--id p --host h1 --pid 7 --node 1 --ttl soon|not a duration",
        "zero ttl|--id p --host h1 --pid 7 --node 1 --ttl 0s|--ttl must be positive",
        "bad address|--id p --host h1 --va-start 0xZZ --va-end 0x10 --node 1|not an address",
        "blank id|--id '' --host h1 --pid 7 --node 1|--id must not be blank",
        "missing host|--id p --pid 7 --node 1|Missing required option: '--host",
    })
    void invalidAddIsRejectedWithAClearMessage(String name, String flags, String message) {
        List<String> args = new java.util.ArrayList<>(List.of("pin", "add", NOWHERE));
        for (String f : flags.split(" ")) {
            args.add(f.equals("''") ? "" : f);
        }
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(message), "expected '" + message + "' in:\n" + r);
    }

    @Test
    void pinWithoutSubcommandIsAUsageError() {
        CliRun r = CliRun.run("pin");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("add, list or rm"), r.toString());
    }

    @Test
    void unreachableBrokerIsAClearFailure() {
        CliRun r = CliRun.run("pin", "list", NOWHERE, "--timeout", "2s");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("error: ") && r.err().contains("127.0.0.1:1"), r.toString());
    }

    @Test
    void addBuildsTheRecordFromTheFlags() {
        PinCommand.Add add = new PinCommand.Add();
        CommandLine cl = new CommandLine(add);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.parseArgs("--id", "db-hot", "--host", "*", "--comm", "postgres", "--va-start", "0x7f0000000000",
                "--va-end", "0x7f0000200000", "--tier", "dram", "--reason", "latency SLO", "--ttl", "2h");
        Instant now = Instant.parse("2026-11-26T06:00:00Z");
        PolicyPin pin = add.toPin(now);
        assertEquals("db-hot", pin.getPinId());
        assertEquals("*", pin.getHost());
        assertEquals(TierKind.DRAM, pin.getWantedTier());
        assertNull(pin.getWantedNode());
        assertEquals(0x7f0000000000L, pin.getSelector().getVaStart());
        assertEquals(0x7f0000200000L, pin.getSelector().getVaEnd());
        assertEquals("postgres", pin.getSelector().getComm());
        assertNull(pin.getSelector().getPid());
        assertEquals(now, pin.getCreatedMs());
        assertEquals(now.plus(Duration.ofHours(2)), pin.getExpiresMs());
    }

    @Test
    void tableShowsSelectorTargetAndExpiry() {
        Instant now = Instant.parse("2026-11-26T06:00:00Z");
        PolicyPin a = PolicyPin.newBuilder().setPinId("a").setHost("h1")
                .setSelector(PinSelector.newBuilder().setPid(42).build()).setWantedNode(1).setReason("cold data")
                .setCreatedMs(now).setExpiresMs(now.minusSeconds(1)).build();
        PolicyPin b = PolicyPin.newBuilder().setPinId("b").setHost("*")
                .setSelector(PinSelector.newBuilder().setCgroup("/db").setVaStart(0x1000L).setVaEnd(0x3000L).build())
                .setWantedTier(TierKind.CXL).setCreatedMs(now).build();
        String t = PinCommand.table(List.of(a, b), now);
        String[] lines = t.split("\n");
        assertEquals(3, lines.length, t);
        assertTrue(lines[0].startsWith("ID"), t);
        assertTrue(lines[1].matches("a\\s+h1\\s+pid=42\\s+node 1\\s+expired\\s+2026-11-26T05:59:59Z\\s+cold data"), t);
        assertTrue(lines[2].matches("b\\s+\\*\\s+cgroup=/db va=0x1000-0x3000\\s+CXL\\s+active\\s+never"), t);
        assertTrue(PinCommand.table(List.of(), now).contains("(no pins)"));
    }

    @Test
    void durationsAndAddresses() {
        PinCommand.DurationConverter d = new PinCommand.DurationConverter();
        assertEquals(Duration.ofSeconds(90), d.convert("90s"));
        assertEquals(Duration.ofMinutes(30), d.convert("30m"));
        assertEquals(Duration.ofDays(7), d.convert("7d"));
        assertEquals(Duration.ofMillis(250), d.convert("250ms"));
        assertEquals(Duration.ofMinutes(30), d.convert("PT30M"));
        assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("5 minutes"));
        PinCommand.AddressConverter a = new PinCommand.AddressConverter();
        assertEquals(0x7fff_0000L, a.convert("0x7fff0000"));
        assertEquals(4096L, a.convert("4096"));
        assertThrows(CommandLine.TypeConversionException.class, () -> a.convert("0xffffffffffffffff"));
    }
}
