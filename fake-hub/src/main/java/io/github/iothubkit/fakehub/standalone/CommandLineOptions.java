package io.github.iothubkit.fakehub.standalone;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.auth.Keys;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import io.github.iothubkit.fakehub.internal.Retention;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The standalone hub's command line, parsed into the same {@link FakeIotHub.Builder} that in-process
 * tests use, so both run one core. Immutable; {@link #parse} never exits the JVM (only {@link Main} does).
 */
public final class CommandLineOptions {

    /** Bad command-line input: {@link Main} prints the message and the usage, then exits with 2. */
    public static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /** A device to register at start; {@code key} is null when the hub should generate one. */
    public record DeviceOption(String deviceId, String key) {
        /** Keys are secrets: never printed. */
        @Override
        public String toString() {
            return "DeviceOption{" + deviceId + (key == null ? "" : ", key given") + "}";
        }
    }

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_REGISTRY_PORT = 443;

    private final String host;
    private final List<DeviceOption> devices;
    private final Path caOut;
    private final int registryPort;
    private final boolean registryPortExplicit;
    private final boolean allowNonLoopback;
    private final boolean help;
    private final Retention retention;
    private final int partitions;

    private CommandLineOptions(String host, List<DeviceOption> devices, Path caOut, int registryPort,
            boolean registryPortExplicit, boolean allowNonLoopback, boolean help, Retention retention, int partitions) {
        this.host = host;
        this.devices = List.copyOf(devices);
        this.caOut = caOut;
        this.registryPort = registryPort;
        this.registryPortExplicit = registryPortExplicit;
        this.allowNonLoopback = allowNonLoopback;
        this.help = help;
        this.retention = retention;
        this.partitions = partitions;
    }

    /**
     * Parses {@code args}; both {@code --opt value} and {@code --opt=value} are accepted.
     *
     * @throws UsageException for an unknown option, a missing or malformed value, or a refused host
     */
    public static CommandLineOptions parse(String... args) {
        String host = DEFAULT_HOST;
        List<DeviceOption> devices = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        Path caOut = null;
        int registryPort = DEFAULT_REGISTRY_PORT;
        boolean portExplicit = false;
        boolean allowNonLoopback = false;
        boolean help = false;
        Retention retention = Retention.DEFAULT;
        int partitions = 4;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--allow-non-loopback" -> allowNonLoopback = true;
                case "--host" -> host = requireNonEmpty(name, inline != null ? inline : value(args, ++i, name));
                case "--device" -> {
                    DeviceOption device = device(inline != null ? inline : value(args, ++i, name));
                    if (!ids.add(device.deviceId())) {
                        throw new UsageException("--device " + device.deviceId() + " is given twice");
                    }
                    devices.add(device);
                }
                case "--ca-out" -> caOut = Path.of(requireNonEmpty(name, inline != null ? inline : value(args, ++i, name)))
                        .toAbsolutePath();
                case "--registry-port" -> {
                    registryPort = port(name, inline != null ? inline : value(args, ++i, name));
                    portExplicit = true;
                }
                case "--history-limit" -> retention = retention.withMaxCount(
                        count(name, inline != null ? inline : value(args, ++i, name)));
                case "--history-max-age" -> retention = retention.withMaxAge(
                        duration(name, inline != null ? inline : value(args, ++i, name)));
                case "--partitions" -> {
                    partitions = count(name, inline != null ? inline : value(args, ++i, name));
                    if (partitions < 1 || partitions > 32) {
                        throw new UsageException("--partitions must be 1 to 32, not " + partitions);
                    }
                }
                default -> throw new UsageException("unknown option '" + arg + "'");
            }
            if (inline != null && (name.equals("--help") || name.equals("--allow-non-loopback"))) {
                throw new UsageException(name + " takes no value");
            }
        }
        if (!help) {
            checkHost(host, allowNonLoopback);
        }
        return new CommandLineOptions(host, devices, caOut, registryPort, portExplicit, allowNonLoopback, help,
                retention, partitions);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static String requireNonEmpty(String option, String value) {
        if (value.isBlank()) {
            throw new UsageException(option + " needs a value");
        }
        return value;
    }

    /** {@code ID} or {@code ID:BASE64KEY}; split at the last colon, since ids may contain colons but keys never do. */
    static DeviceOption device(String spec) {
        int colon = spec.lastIndexOf(':');
        String id = colon < 0 ? spec : spec.substring(0, colon);
        String key = colon < 0 ? null : spec.substring(colon + 1);
        if (!DeviceRegistry.isValidDeviceId(id)) {
            throw new UsageException("--device '" + id + "' is not a valid device id: "
                    + DeviceRegistry.DEVICE_ID_RULE);
        }
        if (key != null && !Keys.isValid(key)) {
            throw new UsageException("--device " + id + ": the key after the last ':' is not valid Base64 (an id that"
                    + " contains ':' needs an explicit key, as in --device a:b:KEY)");
        }
        return new DeviceOption(id, key);
    }

    private static int port(String option, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a port number from 0 to 65535, not '" + value + "'");
    }

    private static int count(String option, String value) {
        try {
            int n = Integer.parseInt(value.replace("_", "").replace(",", ""));
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " must be a whole number, 0 or more, not '" + value + "'");
    }

    /** {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, or ISO-8601 such as {@code PT1H}; positive. */
    static Duration duration(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        try {
            if (v.startsWith("p")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else if (v.length() > 1) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                d = switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> null;
                };
            }
        } catch (RuntimeException e) {
            d = null; // reported below
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new UsageException(option + " must be a positive duration such as 90s, 15m, 2h, 1d or PT1H, not '"
                    + value + "'");
        }
        return d;
    }

    private static void checkHost(String host, boolean allowNonLoopback) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException("--host '" + host + "' cannot be resolved");
        }
        if (!address.isLoopbackAddress() && !allowNonLoopback) {
            throw new UsageException("--host " + host + " is not a loopback address, so the hub would be reachable from"
                    + " the network; add --allow-non-loopback if you mean it");
        }
    }

    /** A builder for this command line: the registry is required only when its port was given explicitly. */
    public FakeIotHub.Builder toBuilder() {
        FakeIotHub.Builder builder = FakeIotHub.builder()
                .host(host)
                .httpsPort(registryPort)
                .httpsRequired(registryPortExplicit)
                .allowNonLoopback(allowNonLoopback)
                .historyLimit(retention.maxCount())
                .eventHubPartitions(partitions);
        return retention.maxAge() == null ? builder : builder.historyMaxAge(retention.maxAge());
    }

    public String host() {
        return host;
    }

    public List<DeviceOption> devices() {
        return devices;
    }

    /** The absolute path to write the CA certificate to, or null. */
    public Path caOut() {
        return caOut;
    }

    public int registryPort() {
        return registryPort;
    }

    public boolean registryPortExplicit() {
        return registryPortExplicit;
    }

    public boolean allowNonLoopback() {
        return allowNonLoopback;
    }

    public boolean help() {
        return help;
    }

    /** The history bounds: {@code --history-limit} and {@code --history-max-age}. */
    public Retention retention() {
        return retention;
    }

    /** Partitions of the built-in Event Hubs endpoint ({@code --partitions}, default 4). */
    public int partitions() {
        return partitions;
    }

    /** The {@code --help} text: every option with its default, and worked examples. */
    public static String usage() {
        return """
                Usage: java -jar fake-hub-standalone.jar [options]

                A fake Azure IoT Hub for tests: MQTT/TLS on 8883, AMQPS on 5671 and the registry REST on
                HTTPS (443 by default). The real Azure IoT SDKs connect to it unchanged. It prints the
                connection strings, then READY, and runs until interrupted (Ctrl-C or SIGTERM).

                Options:
                  --host ADDRESS          address to bind; also the HostName in connection strings
                                          (default: 127.0.0.1). Use 127.0.0.N to run several hubs at once.
                  --allow-non-loopback    allow a --host that is not a loopback address (default: off);
                                          the hub is then reachable from the network.
                  --device ID[:KEY]       register a device at start, with a Base64 primary KEY, or a
                                          generated one without it (repeatable; default: no devices).
                                          An ID containing ':' needs a KEY: --device a:b:KEY.
                  --ca-out FILE           write the hub's CA certificate (PEM) to FILE so clients can
                                          trust it (default: not written).
                  --registry-port PORT    port of the registry REST (default: 443, which the Java
                                          RegistryClient always uses). If the default cannot be bound,
                                          the hub runs without the REST; a PORT given here must bind.
                  --history-limit N       how many finished items each history keeps: C2D messages with
                                          a final outcome, feedback records, telemetry (default: 100000).
                                          Older ones are dropped so a long-running hub does not grow;
                                          queued C2D messages are always kept.
                  --history-max-age AGE   also drop finished items older than AGE, e.g. 90s, 15m, 2h, 1d
                                          or PT1H (default: no age limit).
                  --partitions N          partitions of the built-in Event Hubs-compatible endpoint, 1 to 32
                                          (default: 4, like a new IoT Hub).
                  --help, -h              print this help and exit.

                Output (stdout, one per line):
                  IOTHUB_CONNECTION_STRING=<service connection string, policy iothubowner>
                  DEVICE_CONNECTION_STRING_<ID>=<device connection string>   (per --device)
                  CA_PEM=<absolute path>                                      (with --ca-out)
                  EVENTHUB_CONNECTION_STRING=<built-in Event Hubs-compatible endpoint, for the Event Hubs SDKs>
                  READY
                Logs go to stderr. Exit codes: 0 or 143 after SIGTERM, 1 if the hub cannot start,
                2 for bad command-line input.

                Examples:
                  java -jar fake-hub-standalone.jar --device dev1 --ca-out /tmp/hub-ca.pem
                  java -jar fake-hub-standalone.jar --host 127.0.0.7 --device dev1 --device dev2:AAECAwQFBgcICQoLDA0ODw==
                  java -jar fake-hub-standalone.jar --host 192.168.1.20 --allow-non-loopback --registry-port 8443
                """;
    }

    @Override
    public String toString() {
        return "CommandLineOptions{host=" + host + ", devices=" + devices + ", caOut=" + caOut + ", registryPort="
                + registryPort + (registryPortExplicit ? " (explicit)" : "") + ", allowNonLoopback=" + allowNonLoopback
                + ", retention=" + retention + "}";
    }
}
