package io.thermocline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TopCommandTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new ThermoclineCli());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void printsTheHottestPagesFromTheQueryEndpoint() throws Exception {
        AtomicReference<String> asked = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            asked.set(ex.getRequestURI().toString());
            byte[] body = ("[{\"host\":\"h1\",\"pfn\":4660,\"generation\":1,\"heat\":900,\"node\":1,\"pid\":42,"
                    + "\"vaddr\":4096,\"comm\":\"redis\"}]").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = run(out, err, "top", "--host", "h1", "--k", "5",
                    "--url", "http://127.0.0.1:" + server.getAddress().getPort());
            assertEquals(0, rc, err.toString());
            assertEquals("/hosts/h1/top?k=5", asked.get());
            assertTrue(out.toString().contains("0x1234") && out.toString().contains("redis")
                    && out.toString().contains("900"), out.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void saysWhenNoInstanceAnswers() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = run(out, err, "top", "--host", "h1", "--url", "http://127.0.0.1:1");
        assertNotEquals(0, rc);
        assertTrue(err.toString().contains("no hotness instance answers"), err.toString());
    }

    @Test
    void rejectsABadK() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertNotEquals(0, run(out, err, "top", "--host", "h1", "--k", "0"));
        assertTrue(err.toString().contains("--k"), err.toString());
    }
}
