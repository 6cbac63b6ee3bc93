package io.github.iothubkit.fakehub;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a loopback address whose hub ports are free, for {@link FakeIotHub.Builder#autoHost()}. The
 * Azure SDKs only dial 8883/5671/443, so hubs differ by address instead of port. Across JVMs there is no
 * shared lock: the bind itself is the lock, and a hub that loses a race to another process moves on.
 */
final class LoopbackHosts {

    private static final Logger LOG = LoggerFactory.getLogger(FakeIotHub.class);
    static final int FIRST = 1;
    static final int LAST = 254;
    private static final int COUNT = LAST - FIRST + 1;
    /** Where this JVM starts looking: spread by pid so parallel forks rarely probe the same address. */
    private static final AtomicInteger CURSOR = new AtomicInteger((int) (ProcessHandle.current().pid() * 37 % COUNT));

    private LoopbackHosts() {
    }

    /** Refuses a host that cannot be resolved, or that is not loopback unless {@code allowNonLoopback}. */
    static void check(String host, boolean allowNonLoopback) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new FakeIotHubException("cannot resolve host '" + host + "': use a loopback address such as 127.0.0.1");
        }
        if (!address.isLoopbackAddress()) {
            if (!allowNonLoopback) {
                throw new FakeIotHubException("host '" + host + "' is not a loopback address: the hub would be"
                        + " reachable from the network. Use 127.0.0.N, or call allowNonLoopback(true) if you mean it");
            }
            LOG.warn("Fake IoT Hub binds {}, which is not loopback: anyone on the network can reach it", host);
        }
    }

    static String address(int n) {
        return "127.0.1." + n;
    }

    static FakeIotHub start(FakeIotHub.Builder settings, Function<String, FakeIotHub> startOn) {
        int[] ports = settings.ports();
        FakeIotHubException lastRace = null;
        for (int i = 0; i < COUNT; i++) {
            String candidate = address(FIRST + Math.floorMod(CURSOR.getAndIncrement(), COUNT));
            if (!free(candidate, ports)) {
                continue;
            }
            try {
                return startOn.apply(candidate);
            } catch (FakeIotHubException e) {
                if (!(e.getCause() instanceof BindException)) {
                    throw e;
                }
                lastRace = e; // another process bound it between our probe and the start: try the next
            }
        }
        throw new FakeIotHubException("no free loopback address in " + address(FIRST) + "-" + address(LAST)
                + " for ports " + java.util.Arrays.toString(ports) + ": stop stale hubs, or, on macOS, add aliases"
                + " (sudo ifconfig lo0 alias 127.0.1.N up) or use builder().host(\"127.0.0.1\")", lastRace);
    }

    /** Whether every port can be bound on the address right now. */
    static boolean free(String host, int[] ports) {
        for (int port : ports) {
            if (port == 0) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
