package io.thermocline.sampler.linux;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NUMA nodes and memory tiers from sysfs: {@code /sys/devices/system/node/nodeN} (cpulist, meminfo, distance,
 * memory blocks, HMAT {@code access0/initiators}), {@code /sys/devices/system/memory/block_size_bytes} and
 * {@code /sys/devices/virtual/memory_tiering/memory_tierN/nodelist}. A snapshot: call {@link #read} again for
 * fresh free-page counts.
 */
public final class NodeTopology {

    static final String NODE_DIR = "devices/system/node";
    static final String MEMORY_DIR = "devices/system/memory";
    static final String TIERING_DIR = "devices/virtual/memory_tiering";
    private static final Pattern NODE_NAME = Pattern.compile("node(\\d+)");
    private static final Pattern MEMORY_NAME = Pattern.compile("memory(\\d+)");
    private static final Pattern TIER_NAME = Pattern.compile("memory_tier(\\d+)");
    private static final Pattern MEMINFO = Pattern.compile("Node\\s+\\d+\\s+(\\w+):\\s+(\\d+)\\s*kB");

    /**
     * One node.
     *
     * @param tierId    kernel memory tier id (abstract distance / chunk size; larger = slower), -1 when unknown
     * @param tierRank  0 for the fastest tier present, then 1, 2... (-1 when the kernel exports no tiers)
     * @param blocks    memory block numbers (each {@link NodeTopology#blockPages()} frames) owned by the node
     */
    public record Node(int id, boolean cpuless, long totalPages, long freePages, int[] distances,
                       int tierId, int tierRank, int readLatencyNs, int readBandwidthMBps, long[] blocks) {
    }

    private final long blockPages;
    private final Map<Integer, Node> nodes;
    /** memory block number -> node id. */
    private final Map<Long, Integer> blockNode;

    private NodeTopology(long blockPages, Map<Integer, Node> nodes, Map<Long, Integer> blockNode) {
        this.blockPages = blockPages;
        this.nodes = nodes;
        this.blockNode = blockNode;
    }

    public static NodeTopology read(LinuxFs fs) throws IOException, MissingCapabilityException {
        Path nodeDir = fs.sys(NODE_DIR);
        if (!Files.isDirectory(nodeDir)) {
            throw new MissingCapabilityException(nodeDir.toString(), "no NUMA node information in sysfs (CONFIG_NUMA)");
        }
        Path blockSize = fs.sys(MEMORY_DIR + "/block_size_bytes");
        if (!Files.isRegularFile(blockSize)) {
            throw new MissingCapabilityException(blockSize.toString(),
                    "memory block size unknown: cannot map PFNs to nodes (CONFIG_MEMORY_HOTPLUG)");
        }
        long blockPages = Long.parseUnsignedLong(LinuxFs.read(blockSize), 16) >>> Pagemap.PAGE_SHIFT;
        Map<Integer, Integer> tierOfNode = new TreeMap<>();
        List<Integer> tierIds = new ArrayList<>();
        Path tiering = fs.sys(TIERING_DIR);
        if (Files.isDirectory(tiering)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tiering, "memory_tier*")) {
                for (Path t : ds) {
                    Matcher m = TIER_NAME.matcher(t.getFileName().toString());
                    if (!m.matches()) {
                        continue;
                    }
                    int tierId = Integer.parseInt(m.group(1));
                    tierIds.add(tierId);
                    for (int n : parseList(LinuxFs.read(t.resolve("nodelist")))) {
                        tierOfNode.put(n, tierId);
                    }
                }
            }
        }
        tierIds.sort(null);
        Map<Integer, Node> nodes = new TreeMap<>();
        Map<Long, Integer> blockNode = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(nodeDir, "node*")) {
            for (Path n : ds) {
                Matcher m = NODE_NAME.matcher(n.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                int id = Integer.parseInt(m.group(1));
                boolean cpuless = parseList(readOr(n.resolve("cpulist"), "")).length == 0;
                Map<String, Long> mem = meminfo(n.resolve("meminfo"));
                int[] dist = Arrays.stream(readOr(n.resolve("distance"), "").split("\\s+"))
                        .filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
                List<Long> blocks = new ArrayList<>();
                try (DirectoryStream<Path> bs = Files.newDirectoryStream(n, "memory*")) {
                    for (Path b : bs) {
                        Matcher bm = MEMORY_NAME.matcher(b.getFileName().toString());
                        if (bm.matches()) {
                            long block = Long.parseLong(bm.group(1));
                            blocks.add(block);
                            blockNode.put(block, id);
                        }
                    }
                }
                Integer tierId = tierOfNode.get(id);
                Path perf = n.resolve("access0/initiators");
                nodes.put(id, new Node(id, cpuless,
                        mem.getOrDefault("MemTotal", 0L) >>> 2, mem.getOrDefault("MemFree", 0L) >>> 2, dist,
                        tierId == null ? -1 : tierId, tierId == null ? -1 : tierIds.indexOf(tierId),
                        (int) readLongOr(perf.resolve("read_latency"), 0),
                        (int) readLongOr(perf.resolve("read_bandwidth"), 0),
                        blocks.stream().mapToLong(Long::longValue).sorted().toArray()));
            }
        }
        if (nodes.isEmpty()) {
            throw new MissingCapabilityException(nodeDir.toString(), "no nodeN directories");
        }
        return new NodeTopology(blockPages, nodes, blockNode);
    }

    public long blockPages() {
        return blockPages;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    public Node node(int id) {
        Node n = nodes.get(id);
        if (n == null) {
            throw new IllegalArgumentException("no NUMA node " + id);
        }
        return n;
    }

    public boolean hasNode(int id) {
        return nodes.containsKey(id);
    }

    /** Node owning a physical frame, -1 when the frame is in no online memory block. */
    public int nodeOfPfn(long pfn) {
        Integer n = blockNode.get(pfn / blockPages);
        return n == null ? -1 : n;
    }

    /** Whether the kernel exports memory tiers and places nodes in more than one. */
    public boolean tiered() {
        return nodes.values().stream().mapToInt(Node::tierRank).max().orElse(-1) > 0;
    }

    /**
     * Physical frame ranges {@code [startPfn, endPfn)} of a node, contiguous memory blocks merged.
     */
    public List<long[]> pfnRanges(int node) {
        List<long[]> out = new ArrayList<>();
        for (long b : node(node).blocks()) {
            long s = b * blockPages;
            if (!out.isEmpty() && out.get(out.size() - 1)[1] == s) {
                out.get(out.size() - 1)[1] = s + blockPages;
            } else {
                out.add(new long[] {s, s + blockPages});
            }
        }
        return out;
    }

    /** Parses a kernel list like {@code 0-3,8,10-11}. */
    static int[] parseList(String s) {
        List<Integer> out = new ArrayList<>();
        for (String part : s.trim().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            if (dash < 0) {
                out.add(Integer.parseInt(part.trim()));
            } else {
                int a = Integer.parseInt(part.substring(0, dash).trim());
                int b = Integer.parseInt(part.substring(dash + 1).trim());
                for (int i = a; i <= b; i++) {
                    out.add(i);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Map<String, Long> meminfo(Path p) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (String line : Files.readAllLines(p)) {
            Matcher m = MEMINFO.matcher(line);
            if (m.find()) {
                out.put(m.group(1), Long.parseLong(m.group(2)));
            }
        }
        return out;
    }

    private static String readOr(Path p, String dflt) throws IOException {
        try {
            return LinuxFs.read(p);
        } catch (NoSuchFileException e) {
            return dflt;
        }
    }

    private static long readLongOr(Path p, long dflt) throws IOException {
        String s = readOr(p, "");
        return s.isEmpty() ? dflt : Long.parseLong(s);
    }
}
