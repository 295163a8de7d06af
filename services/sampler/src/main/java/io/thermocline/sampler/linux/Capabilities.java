package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** Effective capabilities of this process ({@code CapEff} of {@code /proc/self/status}) and the checks agents need. */
public final class Capabilities {

    public static final int CAP_SYS_NICE = 23;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_PTRACE = 19;

    private final long effective;

    private Capabilities(long effective) {
        this.effective = effective;
    }

    public static Capabilities read(LinuxFs fs) throws IOException {
        for (String line : Files.readAllLines(fs.proc("self/status"))) {
            if (line.startsWith("CapEff:")) {
                return new Capabilities(Long.parseUnsignedLong(line.substring(7).trim(), 16));
            }
        }
        throw new IOException("no CapEff line in " + fs.proc("self/status"));
    }

    public boolean has(int cap) {
        return (effective & (1L << cap)) != 0;
    }

    /** Throws naming every missing capability, e.g. {@code CAP_SYS_ADMIN, CAP_SYS_NICE}. */
    public void require(String purpose, int... caps) throws MissingCapabilityException {
        List<String> missing = new ArrayList<>();
        for (int c : caps) {
            if (!has(c)) {
                missing.add(name(c));
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingCapabilityException(String.join(", ", missing),
                    purpose + " needs " + String.join(" and ", missing) + " (effective set 0x"
                            + Long.toHexString(effective) + ")");
        }
    }

    /**
     * Warns (does not fail) when CAP_SYS_PTRACE is missing: pagemap and move_pages of processes of OTHER users pass
     * ptrace_may_access, so without it only root-owned (or own-uid) processes can be tracked and moved.
     */
    public void warnWithoutPtrace(org.slf4j.Logger log, String who) {
        if (!has(CAP_SYS_PTRACE)) {
            log.warn("{} runs without CAP_SYS_PTRACE: processes of other users cannot be read or moved", who);
        }
    }

    static String name(int cap) {
        return switch (cap) {
            case CAP_SYS_NICE -> "CAP_SYS_NICE";
            case CAP_SYS_ADMIN -> "CAP_SYS_ADMIN";
            case CAP_SYS_PTRACE -> "CAP_SYS_PTRACE";
            default -> "CAP_" + cap;
        };
    }
}
