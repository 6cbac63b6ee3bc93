package io.github.iothubkit.appsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The tutorial apps report connection problems in one line of their own; the SDKs would also log every
 * connection and each failure with a stack trace. An explicit {@code -Dorg.slf4j.simpleLogger.defaultLogLevel}
 * keeps all logging.
 */
public final class QuietLogging {

    /** Held so the silenced java.util.logging loggers, and their levels, are not garbage-collected. */
    private static final List<Logger> SILENCED = new CopyOnWriteArrayList<>();

    private QuietLogging() {
    }

    /** Turns slf4j-simple off, and the given java.util.logging loggers ("" is the root), unless configured. */
    public static void unlessConfigured(String... julLoggers) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") != null) {
            return;
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
        for (String name : julLoggers) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.OFF);
            SILENCED.add(logger);
        }
    }
}
