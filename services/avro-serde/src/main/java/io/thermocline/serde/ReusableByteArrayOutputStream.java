package io.thermocline.serde;

import java.io.OutputStream;
import java.util.Arrays;

/** An unsynchronized growable byte buffer reused across records by one thread. */
final class ReusableByteArrayOutputStream extends OutputStream {
  /** Buffers grown past this are dropped after use so one huge record does not pin memory. */
  private static final int MAX_RETAINED = 1 << 20;
  private final int initialSize;
  private byte[] buf;
  private int count;

  ReusableByteArrayOutputStream(int initialSize) {
    this.initialSize = initialSize;
    this.buf = new byte[initialSize];
  }

  void reset() {
    if (buf.length > MAX_RETAINED) {
      buf = new byte[initialSize];
    }
    count = 0;
  }

  /** Reserves {@code n} bytes at the current position and returns their offset. */
  int skip(int n) {
    ensure(n);
    int at = count;
    count += n;
    return at;
  }

  byte[] buffer() {
    return buf;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  private void ensure(int extra) {
    int need = count + extra;
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }
  }
}
