package io.thermocline.hotness.state;

import io.thermocline.avro.telemetry.PageOwner;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/** Owner of one frame as kept in the owner store (a compact copy of {@link PageOwner}). */
public record OwnerInfo(long generation, int pid, long vaddr, int folioOrder, boolean shared, int node,
                        String cgroup, String comm) {

    /** generation, pid, vaddr, folio order, shared, node. */
    private static final int FIXED_BYTES = 8 + 4 + 8 + 1 + 1 + 4;

    public static OwnerInfo of(PageOwner o) {
        return new OwnerInfo(o.getGeneration(), o.getPid(), o.getVaddr(), o.getFolioOrder(), o.getShared(),
                o.getNode(), o.getCgroup() == null ? null : o.getCgroup().toString(),
                o.getComm() == null ? null : o.getComm().toString());
    }

    public OwnerInfo movedTo(int newNode, long newGeneration) {
        return new OwnerInfo(newGeneration, pid, vaddr, folioOrder, shared, newNode, cgroup, comm);
    }

    public byte[] toBytes() {
        int cg = Codec.nullableAsciiSize(cgroup);
        int cm = Codec.nullableAsciiSize(comm);
        if (cg < 0 || cm < 0) {
            return toBytesViaStream();
        }
        ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES + cg + cm);
        b.putLong(generation).putInt(pid).putLong(vaddr).put((byte) folioOrder).put((byte) (shared ? 1 : 0))
                .putInt(node);
        Codec.putNullableAscii(b, cgroup);
        Codec.putNullableAscii(b, comm);
        return b.array();
    }

    /** The reference encoding (DataOutputStream); also for names outside ASCII. */
    byte[] toBytesViaStream() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(48);
            DataOutputStream out = new DataOutputStream(bos);
            out.writeLong(generation);
            out.writeInt(pid);
            out.writeLong(vaddr);
            out.writeByte(folioOrder);
            out.writeBoolean(shared);
            out.writeInt(node);
            Codec.writeNullableString(out, cgroup);
            Codec.writeNullableString(out, comm);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static OwnerInfo fromBytes(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new OwnerInfo(b.getLong(), b.getInt(), b.getLong(), b.get(), b.get() != 0, b.getInt(),
                    Codec.getNullableUtf(b), Codec.getNullableUtf(b));
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("owner value of " + bytes.length + " bytes is truncated", e);
        }
    }
}
