package io.github.iothubkit.fakehub.amqp;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

/**
 * One Vert.x instance for every hub in the JVM, created on first use. Creating Vert.x costs tens of
 * milliseconds and a handful of threads, so hubs only listen and unlisten on it. Its threads are daemon
 * threads: it is never closed, yet it cannot keep the JVM alive once the application's own threads end.
 */
final class SharedVertx {

    private static Vertx instance;

    private SharedVertx() {
    }

    static synchronized Vertx get() {
        if (instance == null) {
            instance = Vertx.vertx(new VertxOptions()
                    .setUseDaemonThread(true)
                    .setEventLoopPoolSize(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())))
                    .setWorkerPoolSize(2)
                    .setInternalBlockingPoolSize(2)
                    // the fake serves no files: no cache directory, no class-path lookups
                    .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                            .setClassPathResolvingEnabled(false)));
        }
        return instance;
    }
}
