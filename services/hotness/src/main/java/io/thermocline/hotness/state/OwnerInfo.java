package io.thermocline.hotness.state;

import io.thermocline.avro.telemetry.PageOwner;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Owner of one frame as kept in the owner store (a compact copy of {@link PageOwner}). */
public record OwnerInfo(long generation, int pid, long vaddr, int folioOrder, boolean shared, int node,
                        String cgroup, String comm) {

    public static OwnerInfo of(PageOwner o) {
        return new OwnerInfo(o.getGeneration(), o.getPid(), o.getVaddr(), o.getFolioOrder(), o.getShared(),
                o.getNode(), o.getCgroup() == null ? null : o.getCgroup().toString(),
                o.getComm() == null ? null : o.getComm().toString());
    }

    public OwnerInfo movedTo(int newNode, long newGeneration) {
        return new OwnerInfo(newGeneration, pid, vaddr, folioOrder, shared, newNode, cgroup, comm);
    }

    public byte[] toBytes() {
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

    public static OwnerInfo fromBytes(byte[] b) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b));
            return new OwnerInfo(in.readLong(), in.readInt(), in.readLong(), in.readByte(), in.readBoolean(),
                    in.readInt(), Codec.readNullableString(in), Codec.readNullableString(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
