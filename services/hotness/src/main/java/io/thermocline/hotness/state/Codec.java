package io.thermocline.hotness.state;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Small helpers of the hand-written store codecs. */
final class Codec {

    private Codec() {
    }

    static void writeNullableString(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readNullableString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
