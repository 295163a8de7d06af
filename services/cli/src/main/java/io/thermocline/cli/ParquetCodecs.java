package io.thermocline.cli;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression without Hadoop's codec classes (parquet's own CodecFactory loads
 * {@code org.apache.hadoop.io.compress.*}): UNCOMPRESSED, SNAPPY (raw Snappy blocks, snappy-java) and ZSTD
 * (zstd frames, zstd-jni), the two libraries parquet-hadoop already brings. Stateless, so one shared instance.
 */
final class ParquetCodecs implements CompressionCodecFactory {

    static final ParquetCodecs INSTANCE = new ParquetCodecs();
    /** zstd level: parquet-hadoop's default. */
    static final int ZSTD_LEVEL = 3;

    private ParquetCodecs() {
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> compressor(codec, b -> b);
            case SNAPPY -> compressor(codec, b -> Snappy.compress(b));
            case ZSTD -> compressor(codec, b -> Zstd.compress(b, ZSTD_LEVEL));
            default -> throw new IllegalArgumentException("unsupported Parquet codec " + codec
                    + " (use UNCOMPRESSED, SNAPPY or ZSTD)");
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> decompressor((b, n) -> b);
            case SNAPPY -> decompressor((b, n) -> Snappy.uncompress(b));
            case ZSTD -> decompressor((b, n) -> Zstd.decompress(b, n));
            default -> throw new IllegalArgumentException("unsupported Parquet codec " + codec);
        };
    }

    @Override
    public void release() {
        // nothing pooled
    }

    @FunctionalInterface
    private interface Transform {
        byte[] apply(byte[] in) throws IOException;
    }

    @FunctionalInterface
    private interface Inverse {
        byte[] apply(byte[] in, int decompressedSize) throws IOException;
    }

    private static BytesInputCompressor compressor(CompressionCodecName codec, Transform t) {
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                return BytesInput.from(t.apply(bytes.toByteArray()));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
                // stateless
            }
        };
    }

    private static BytesInputDecompressor decompressor(Inverse t) {
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
                byte[] out = t.apply(bytes.toByteArray(), decompressedSize);
                if (out.length != decompressedSize) {
                    throw new IOException("decompressed " + out.length + " bytes, expected " + decompressedSize);
                }
                return BytesInput.from(out);
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                    throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                output.put(decompress(BytesInput.from(in), decompressedSize).toByteArray());
            }

            @Override
            public void release() {
                // stateless
            }
        };
    }
}
