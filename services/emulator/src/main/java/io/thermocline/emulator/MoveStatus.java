package io.thermocline.emulator;

/**
 * Per-page outcome of a move, like the status array of move_pages(2). Symbols that also exist in the Avro
 * {@code MigrationStatus} have the same name.
 */
public enum MoveStatus {
    /** Moved: new frame on the target node, old frame freed. */
    MOVED,
    /** The page was already on the target node; nothing done (move_pages reports the node id). */
    ALREADY_ON_NODE,
    /** Target node has no free frame (-ENOMEM). */
    NO_CAPACITY,
    /** Page is busy (pinned for I/O, under writeback: -EBUSY). */
    BUSY,
    /** No page is mapped at that address (-ENOENT / -EFAULT). */
    NOT_PRESENT,
    /** The decision named a frame the page no longer occupies. */
    STALE_PFN,
    /** A pin forbids the target node. */
    PINNED,
    /** Target node does not exist (-EINVAL / -ENODEV). */
    FAILED;

    public boolean moved() {
        return this == MOVED;
    }
}
