package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EmulateCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new EmulateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void writesTheContractJsonAndPrintsATable() throws Exception {
        Path json = dir.resolve("out.json");
        Result r = run("--workload", "gups-hotset", "--footprint", "32MiB", "--fast-ratio", "0.25", "--epochs", "20",
                "--seed", "1", "--policies", "first-touch,numab2,kmmscand,damon,oracle", "--accesses-per-epoch", "20000",
                "--report-json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("oracle") && r.out().contains("numab2"), r.out());
        JsonNode n = new ObjectMapper().readTree(Files.readString(json));
        assertEquals("gups-hotset", n.get("workload").asText());
        assertEquals(1, n.get("seed").asLong());
        assertEquals(20, n.get("epochs").asInt());
        assertEquals(8192, n.get("footprintPages").asLong());
        assertEquals(2048, n.get("fastTierPages").asLong());
        List<String> names = List.of("first-touch", "numab2", "kmmscand", "damon", "oracle");
        assertEquals(names.size(), n.get("policies").size());
        for (int i = 0; i < names.size(); i++) {
            JsonNode p = n.get("policies").get(i);
            assertEquals(names.get(i), p.get("name").asText());
            for (String f : List.of("fastAccessRatio", "emulatedSeconds", "promotedPages", "demotedPages", "pingPongs",
                    "pinViolations")) {
                assertTrue(p.get(f).isNumber(), f);
            }
        }
        // same seed -> same report (minus wall time)
        Path json2 = dir.resolve("out2.json");
        run("--workload", "gups-hotset", "--footprint", "32MiB", "--epochs", "20", "--accesses-per-epoch", "20000",
                "--policies", "first-touch,numab2,kmmscand,damon,oracle", "--report-json", json2.toString());
        JsonNode n2 = new ObjectMapper().readTree(Files.readString(json2));
        assertEquals(n.get("policies"), n2.get("policies"));
    }

    @Test
    void allMeansTheBuiltInBaselinesPlusInstalledProvidersWithTheOracleLast() {
        List<String> all = new io.thermocline.emulator.policy.PolicyRegistry().create("all").stream()
                .map(io.thermocline.emulator.policy.PlacementPolicy::name).toList();
        assertTrue(all.containsAll(List.of("first-touch", "numab2", "kmmscand", "damon", "oracle")), all.toString());
        assertEquals("oracle", all.get(all.size() - 1));
    }

    @Test
    void badArgumentsFailWithAClearMessage() {
        Result unknown = run("--workload", "nosuch", "--footprint", "1MiB", "--epochs", "2");
        assertNotEquals(0, unknown.code());
        assertTrue(unknown.err().contains("unknown workload 'nosuch'"), unknown.err());

        for (String ratio : List.of("0", "1.5", "-0.1")) {
            Result r = run("--workload", "uniform", "--fast-ratio", ratio, "--epochs", "2");
            assertNotEquals(0, r.code(), ratio);
            assertTrue(r.err().contains("--fast-ratio must be in (0, 1]"), r.err());
        }

        Result trace = run("--workload", "lackey:" + dir.resolve("missing.lackey.gz"), "--epochs", "2");
        assertNotEquals(0, trace.code());
        assertTrue(trace.err().contains("missing.lackey.gz"), trace.err());

        Result policy = run("--workload", "uniform", "--footprint", "1MiB", "--policies", "bogus", "--epochs", "2");
        assertNotEquals(0, policy.code());
        assertTrue(policy.err().contains("unknown policy 'bogus'"), policy.err());
    }

    @Test
    void sizesAndPinsParse() {
        EmulateCommand c = new EmulateCommand();
        new CommandLine(c).parseArgs("--workload", "uniform", "--pin", "1000=dram", "--pin", "*:0x1000-0x2000=node:1");
        assertEquals(262_144, c.parsePages("1GiB"));
        assertEquals(65_536, c.parsePages("65536p"));
        assertEquals(1, c.parsePages("4096"));
        assertEquals(2, c.config().pins().pins().size());
        Result ok = run("--workload", "uniform", "--footprint", "4MiB", "--epochs", "3", "--accesses-per-epoch", "5000",
                "--policies", "numab2,oracle", "--pin", "1000=cxl");
        assertEquals(0, ok.code(), ok.err());
    }
}
