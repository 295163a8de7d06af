package io.thermocline.cli;

import io.thermocline.avro.policy.PinSelector;
import io.thermocline.avro.policy.PolicyPin;
import io.thermocline.avro.telemetry.AccessSource;
import io.thermocline.avro.telemetry.PageAccess;
import io.thermocline.avro.telemetry.PageAccessBatch;
import io.thermocline.avro.telemetry.TierKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Records for the export tests: batch b has b+1 entries (pfn = block*512 + i, count = 10*b + i). */
final class ExportSamples {

    static final Instant T0 = Instant.parse("2026-11-26T06:00:00Z");

    private ExportSamples() {
    }

    static PageAccessBatch batch(String host, int b) {
        List<PageAccess> entries = new ArrayList<>();
        for (int i = 0; i <= b; i++) {
            entries.add(new PageAccess((long) b * 512 + i, 10 * b + i));
        }
        return PageAccessBatch.newBuilder().setHost(host).setSource(AccessSource.EMULATOR).setNode(b % 2)
                .setBlock(b).setBlockShift(9).setWindowStartMs(T0.plusSeconds(b))
                .setWindowEndMs(T0.plusSeconds(b + 1)).setEpoch(b).setSampleRate(1).setEntries(entries).build();
    }

    /** Entries of batches 0..n-1. */
    static long entries(int n) {
        return (long) n * (n + 1) / 2;
    }

    static PolicyPin pin(String id) {
        return PolicyPin.newBuilder().setPinId(id).setHost("h, \"quoted\"")
                .setSelector(PinSelector.newBuilder().setComm("redis").build()).setWantedTier(TierKind.DRAM)
                .setReason("line1\nline2").setCreatedMs(T0).build();
    }
}
