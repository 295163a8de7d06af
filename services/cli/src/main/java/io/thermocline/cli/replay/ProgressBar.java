package io.thermocline.cli.replay;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, e.g. {@code replay [=====>    ]  45% 123456/270000 records}, redrawn with a
 * carriage return at most every {@value #MIN_REDRAW_MS} ms (and at 100%). The total is fixed at start (end offsets
 * captured when the replay began), so the bar never runs backwards.
 */
public final class ProgressBar {

    static final int WIDTH = 30;
    static final long MIN_REDRAW_MS = 100;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private long done;
    private long lastDraw = Long.MIN_VALUE;
    private long drawn = -1;
    private boolean finished;

    public ProgressBar(PrintWriter err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = Math.max(0, total);
    }

    public synchronized void advance(long n) {
        done = Math.min(total, done + n);
        long now = System.nanoTime() / 1_000_000;
        if (done == total || now - lastDraw >= MIN_REDRAW_MS) {
            lastDraw = now;
            draw();
        }
    }

    /** Draws 100% (if not yet) and ends the line. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        done = total;
        if (drawn != done) {
            draw();
        }
        err.println();
        err.flush();
    }

    /** The bar's text for a given count (tests). */
    public static String render(String label, long done, long total) {
        double f = total == 0 ? 1.0 : (double) done / total;
        int filled = (int) Math.floor(f * WIDTH);
        StringBuilder b = new StringBuilder(label).append(" [");
        for (int i = 0; i < WIDTH; i++) {
            b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return b.append(String.format(Locale.ROOT, "] %3d%% %d/%d records", (int) Math.floor(f * 100), done, total))
                .toString();
    }

    private void draw() {
        drawn = done;
        err.print('\r' + render(label, done, total));
        err.flush();
    }
}
