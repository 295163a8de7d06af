package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thermocline.cli.replay.ProgressBar;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ReplayProgressBarTest {

    @Test
    void rendersFractionCountsAndArrow() {
        assertEquals("replay [=============>                ]  45% 121500/270000 records",
                ProgressBar.render("replay", 121_500, 270_000));
        assertEquals("replay [==============================] 100% 5/5 records", ProgressBar.render("replay", 5, 5));
        assertEquals("read   [>                             ]   0% 0/10 records", ProgressBar.render("read  ", 0, 10));
        assertEquals("replay [==============================] 100% 0/0 records", ProgressBar.render("replay", 0, 0));
    }

    @Test
    void finishDrawsTheWholeBarOnceAndEndsTheLine() {
        StringWriter w = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(w), "replay", 4);
        bar.advance(1);
        bar.advance(10); // never past the total
        bar.finish();
        bar.finish();
        String out = w.toString();
        assertTrue(out.endsWith("\rreplay [==============================] 100% 4/4 records" + System.lineSeparator()),
                out);
        assertEquals(1, out.split(System.lineSeparator(), -1).length - 1, "one line ended: " + out);
        assertEquals(1, out.split("100%", -1).length - 1, "100% drawn once: " + out);
    }
}
