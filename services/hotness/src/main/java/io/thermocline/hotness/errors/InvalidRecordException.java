package io.thermocline.hotness.errors;

/** A record that deserialized but breaks the contract of its topic; it goes to the DLQ with this reason. */
public final class InvalidRecordException extends RuntimeException {
    public InvalidRecordException(String reason) {
        super(reason);
    }
}
