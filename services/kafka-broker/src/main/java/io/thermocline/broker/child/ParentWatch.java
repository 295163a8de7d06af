package io.thermocline.broker.child;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of the child broker JVM: {@code ParentWatch MAIN_CLASS ARGS...} runs
 * {@code MAIN_CLASS.main(ARGS)} and exits (running Kafka's own shutdown hook, so a clean
 * shutdown) when its standard input reaches end-of-file, which happens when the parent dies for
 * any reason, SIGKILL included: the parent holds the write end of that pipe.
 *
 * <p>JDK only, on purpose: the launcher copies this one class file out of whatever jar it is in
 * (the module jar, a shaded CLI jar) into the broker's data dir and puts only that directory in
 * front of the Kafka classpath.
 */
public final class ParentWatch {

    /** Exit status when the parent went away. */
    public static final int PARENT_GONE_STATUS = 0;

    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: ParentWatch MAIN_CLASS [ARGS...]");
            System.exit(2);
        }
        Thread watch = new Thread(ParentWatch::awaitEof, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void awaitEof() {
        InputStream in = System.in;
        byte[] buf = new byte[64];
        try {
            while (in.read(buf) != -1) {
                // the parent never writes; anything that arrives is ignored
            }
        } catch (IOException e) {
            // a broken pipe means the same thing as end-of-file
        }
        // the parent died, or closed the pipe while stopping us (Process.destroy closes it after SIGTERM)
        System.err.println("stdin closed (parent gone or stopping): stopping the broker");
        System.exit(PARENT_GONE_STATUS);
    }
}
