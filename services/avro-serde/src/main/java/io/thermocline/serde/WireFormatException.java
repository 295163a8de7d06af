package io.thermocline.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes are not a valid Confluent-wire-format Avro payload. The message names the topic
 * and, where known, partition and offset; {@link #kind()} says what was wrong (a good DLQ reason).
 *
 * <p>Kafka's {@code Deserializer} API does not pass partition/offset, so exceptions thrown inside a
 * consumer's or Streams' deserializer know only the topic; a handler that knows the location
 * (a DeserializationExceptionHandler, a consumer loop) calls {@link #locate} to add it.
 */
public class WireFormatException extends SerializationException {
  private static final long serialVersionUID = 1L;
  public static final int UNKNOWN_PARTITION = -1;
  public static final long UNKNOWN_OFFSET = -1L;
  public static final int UNKNOWN_SCHEMA_ID = -1;

  /** What was wrong with the bytes. */
  public enum Kind {
    /** First byte is not {@link WireFormat#MAGIC_BYTE} (not Confluent wire format). */
    BAD_MAGIC_BYTE,
    /** The schema id in the header is not in the registry. */
    UNKNOWN_SCHEMA_ID,
    /** Too short for the header, truncated or otherwise undecodable Avro, or trailing bytes. */
    CORRUPT_PAYLOAD,
    /** The writer schema cannot be resolved to the reader's (specific class) schema. */
    INCOMPATIBLE_WRITER_SCHEMA
  }

  private final Kind kind;
  private final String topic;
  private final int partition;
  private final long offset;
  private final int schemaId;
  private final String reason;

  public WireFormatException(Kind kind, String topic, int partition, long offset, int schemaId, String reason,
      Throwable cause) {
    super(message(topic, partition, offset, kind, reason), cause);
    this.kind = kind;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.schemaId = schemaId;
    this.reason = reason;
  }

  private static String message(String topic, int partition, long offset, Kind kind, String reason) {
    StringBuilder b = new StringBuilder("Cannot deserialize record from topic '").append(topic).append('\'');
    if (partition != UNKNOWN_PARTITION) {
      b.append(" partition ").append(partition);
    }
    if (offset != UNKNOWN_OFFSET) {
      b.append(" offset ").append(offset);
    }
    if (partition == UNKNOWN_PARTITION && offset == UNKNOWN_OFFSET) {
      b.append(" (partition/offset unknown)");
    }
    return b.append(": ").append(kind).append(": ").append(reason).toString();
  }

  /** The same error with partition and offset filled in. */
  public WireFormatException at(int partition, long offset) {
    WireFormatException located = new WireFormatException(kind, topic, partition, offset, schemaId, reason, getCause());
    located.setStackTrace(getStackTrace());
    return located;
  }

  /**
   * Adds the location to a deserialization failure: a {@link WireFormatException} gets partition
   * and offset; any other exception is wrapped in a {@link SerializationException} naming them.
   */
  public static SerializationException locate(Throwable e, String topic, int partition, long offset) {
    if (e instanceof WireFormatException w) {
      return w.at(partition, offset);
    }
    return new SerializationException("Cannot deserialize record from topic '" + topic + "' partition " + partition
        + " offset " + offset + ": " + e.getMessage(), e);
  }

  public Kind kind() {
    return kind;
  }

  public String topic() {
    return topic;
  }

  /** Partition, or {@link #UNKNOWN_PARTITION}. */
  public int partition() {
    return partition;
  }

  /** Offset, or {@link #UNKNOWN_OFFSET}. */
  public long offset() {
    return offset;
  }

  /** Schema id from the header, or {@link #UNKNOWN_SCHEMA_ID}. */
  public int schemaId() {
    return schemaId;
  }

  /** The description without the location prefix. */
  public String reason() {
    return reason;
  }
}
