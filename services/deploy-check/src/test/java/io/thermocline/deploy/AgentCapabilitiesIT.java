package io.thermocline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agents' capability sets in k8s/50-daemonset-agent.yaml are enough and nothing in them is spare,
 * measured on this machine's kernel: a probe running as uid 0 with exactly a set (util-linux setpriv)
 * does what the agent does to a process of another user - read /proc/PID/maps, PFNs from
 * /proc/PID/pagemap, /proc/kpageflags, move_pages(2) - and the set minus any one capability fails
 * one of those. Needs root, setpriv and /usr/bin/python3; skips otherwise.
 */
class AgentCapabilitiesIT {

    static final String PYTHON = "/usr/bin/python3";
    static final int TARGET_UID = 65534;
    /** What each agent does to other processes (and the probe checks). */
    static final Map<String, Set<String>> NEEDS = Map.of(
            "sampler", Set.of("maps", "pagemap_pfn", "kpageflags"),
            "migrator", Set.of("maps", "pagemap_pfn", "move_pages"));
    /**
     * Capabilities whose need the probe cannot show: SYS_NICE gates move_pages in the container runtimes'
     * default seccomp profile (and MPOL_MF_MOVE_ALL), not in the kernel's permission check for this call.
     */
    static final Set<String> NOT_PROBED = Set.of("SYS_NICE");
    static final String PROBE = String.join("\n",
            "import ctypes, os, struct, sys",
            "t = int(sys.argv[1]); out = {}",
            "try:",
            "    maps = open('/proc/%d/maps' % t).read().splitlines(); out['maps'] = 'ok'",
            "    f = open('/proc/%d/pagemap' % t, 'rb'); pfns = 0",
            "    for l in maps:",
            "        if 'rw-p' not in l: continue",
            "        a, b = [int(x, 16) for x in l.split()[0].split('-')]",
            "        f.seek(a // 4096 * 8); d = f.read(min((b - a) // 4096, 4096) * 8)",
            "        for i in range(0, len(d), 8):",
            "            e = struct.unpack('<Q', d[i:i + 8])[0]",
            "            if e >> 63 and e & ((1 << 55) - 1): pfns += 1",
            "    out['pagemap_pfn'] = 'ok' if pfns > 0 else 'zero-pfns'",
            "except OSError as e:",
            "    out.setdefault('maps', e.strerror); out['pagemap_pfn'] = e.strerror",
            "try:",
            "    open('/proc/kpageflags', 'rb').read(8); out['kpageflags'] = 'ok'",
            "except OSError as e: out['kpageflags'] = e.strerror",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "r = libc.syscall(279, t, 0, None, None, None, 0)",  // move_pages(pid, 0, ...): the permission check
            "out['move_pages'] = 'ok' if r == 0 else os.strerror(ctypes.get_errno())",
            "for k, v in sorted(out.items()): print('%s=%s' % (k, v))");

    static Process target;

    @BeforeAll
    static void startTarget() throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root (setpriv --reuid)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
        Assumptions.assumeTrue(run(List.of("setpriv", "--version")).exitCode == 0, "needs util-linux setpriv");
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/kpageflags")), "kernel without /proc/kpageflags");
        target = new ProcessBuilder("setpriv", "--reuid", Integer.toString(TARGET_UID), "--regid",
                Integer.toString(TARGET_UID), "--clear-groups", PYTHON, "-c",
                "import sys, time\nb = bytearray(1 << 20)\nb[::4096] = b'x' * 256\nprint('ready', flush=True)\n"
                        + "time.sleep(300)").redirectErrorStream(true).start();
        byte[] line = target.getInputStream().readNBytes("ready".length());
        assertEquals("ready", new String(line, StandardCharsets.UTF_8), "target process did not start");
    }

    @AfterAll
    static void stopTarget() throws InterruptedException {
        if (target != null) {
            target.destroy();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }

    record Result(int exitCode, String output) {
    }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timeout: " + cmd);
        return new Result(p.exitValue(), out);
    }

    /** The probe's results as uid 0 holding exactly {@code caps}. */
    static Map<String, String> probe(Set<String> caps) throws IOException, InterruptedException {
        StringBuilder set = new StringBuilder("-all");
        caps.forEach(c -> set.append(",+").append(c.toLowerCase(Locale.ROOT)));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "0", "--regid", "0", "--clear-groups",
                "--bounding-set", set.toString(), "--inh-caps", set.toString(), "--", PYTHON, "-c", PROBE,
                Long.toString(target.pid())));
        Result r = run(cmd);
        assertEquals(0, r.exitCode, r.output);
        Map<String, String> out = new TreeMap<>();
        r.output.lines().filter(l -> l.contains("=")).forEach(l -> out.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        return out;
    }

    static Set<String> failing(Map<String, String> results, Set<String> needed) {
        Set<String> f = new TreeSet<>();
        needed.forEach(n -> {
            if (!"ok".equals(results.get(n))) {
                f.add(n + "=" + results.get(n));
            }
        });
        return f;
    }

    @Test
    void eachAgentsCapabilitiesAreEnoughAndMinimal() throws Exception {
        List<String> report = new ArrayList<>();
        for (Map.Entry<String, Set<String>> agent : KubernetesManifestsTest.AGENT_CAPABILITIES.entrySet()) {
            Set<String> caps = agent.getValue();
            Set<String> needed = NEEDS.get(agent.getKey());
            Map<String, String> full = probe(caps);
            assertEquals(Set.of(), failing(full, needed), agent.getKey() + " with " + caps + ": " + full);
            for (String c : caps) {
                if (NOT_PROBED.contains(c)) {
                    continue;
                }
                Set<String> less = new HashSet<>(caps);
                less.remove(c);
                Set<String> f = failing(probe(less), needed);
                assertFalse(f.isEmpty(), agent.getKey() + ": " + c + " is spare - everything works without it");
                report.add(agent.getKey() + " without " + c + ": " + f);
            }
        }
        assertFalse(probe(Set.of()).values().stream().allMatch("ok"::equals), "no capabilities must not suffice");
        System.out.println("AgentCapabilitiesIT:\n  " + String.join("\n  ", report));
    }
}
