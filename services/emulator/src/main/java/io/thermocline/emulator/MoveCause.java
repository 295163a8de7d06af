package io.thermocline.emulator;

/** Why a page changed frame (same symbols as the Avro {@code MoveCause}). */
public enum MoveCause {
    /** A placement decision executed by the migrator (any policy). */
    MIGRATOR,
    /** The kernel on its own: compaction, device-private fault-back. */
    KERNEL
}
