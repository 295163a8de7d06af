package io.thermocline.sampler.linux;

/** A kernel interface, privilege or feature the agent needs is not available; the message names it exactly. */
public final class MissingCapabilityException extends Exception {

    private final String what;

    public MissingCapabilityException(String what, String detail) {
        super(what + ": " + detail);
        this.what = what;
    }

    /** The missing thing, e.g. {@code /sys/kernel/mm/damon/admin} or {@code CAP_SYS_ADMIN}. */
    public String what() {
        return what;
    }
}
