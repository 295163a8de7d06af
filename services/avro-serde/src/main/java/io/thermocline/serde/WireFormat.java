package io.thermocline.serde;

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary body. */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int ID_SIZE = 4;
  public static final int HEADER_SIZE = 1 + ID_SIZE;

  private WireFormat() {}

  /** Writes the 5-byte header into {@code buf} at {@code off}. */
  public static void writeHeader(byte[] buf, int off, int schemaId) {
    buf[off] = MAGIC_BYTE;
    buf[off + 1] = (byte) (schemaId >>> 24);
    buf[off + 2] = (byte) (schemaId >>> 16);
    buf[off + 3] = (byte) (schemaId >>> 8);
    buf[off + 4] = (byte) schemaId;
  }

  /** The schema id of a header starting at {@code off} (the magic byte is not checked). */
  public static int readSchemaId(byte[] buf, int off) {
    return ((buf[off + 1] & 0xff) << 24) | ((buf[off + 2] & 0xff) << 16) | ((buf[off + 3] & 0xff) << 8)
        | (buf[off + 4] & 0xff);
  }
}
