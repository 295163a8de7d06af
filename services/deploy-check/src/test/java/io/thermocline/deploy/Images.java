package io.thermocline.deploy;

import java.util.ArrayList;
import java.util.List;

/** Image references: pinned by tag (or digest), never {@code latest}, never untagged. */
final class Images {

    static final String THERMOCLINE_REPOSITORY = "thermocline/";

    private Images() {
    }

    /** Problems with an image reference; empty when it is pinned. */
    static List<String> pinningProblems(String image) {
        List<String> problems = new ArrayList<>();
        if (image == null || image.isBlank()) {
            problems.add("no image");
            return problems;
        }
        if (image.contains("${") || image.contains("$(")) {
            problems.add(image + ": interpolated image reference (not pinned in the file)");
            return problems;
        }
        if (image.contains("@sha256:")) {
            return problems;
        }
        String tag = tag(image);
        if (tag == null) {
            problems.add(image + ": untagged (means :latest)");
        } else if (tag.equals("latest") || tag.isBlank()) {
            problems.add(image + ": tag '" + tag + "' is not a pin");
        }
        return problems;
    }

    /** The tag after the last ':' that follows the last '/', or null (a registry port is not a tag). */
    static String tag(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(colon + 1) : null;
    }

    static String repository(String image) {
        String tag = tag(image);
        String noDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        return tag == null ? noDigest : noDigest.substring(0, noDigest.length() - tag.length() - 1);
    }
}
