package io.thermocline.serde;

import io.thermocline.serde.test.SampleBatch;
import io.thermocline.serde.test.SampleEntry;
import io.thermocline.serde.test.SampleSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test records. */
final class Samples {
  private Samples() {}

  static SampleBatch batch(String host, long block, int entries) {
    List<SampleEntry> list = new ArrayList<>(entries);
    for (int i = 0; i < entries; i++) {
      list.add(new SampleEntry((block << 9) + i, 1 + (i * 7919) % 1000));
    }
    return SampleBatch.newBuilder().setHost(host).setSource(SampleSource.PEBS).setNode(1).setBlock(block)
        .setWindowStartMs(Instant.ofEpochMilli(1_700_000_000_000L + block)).setEntries(list).setSampleRate(97)
        .setNote("n" + block).build();
  }
}
