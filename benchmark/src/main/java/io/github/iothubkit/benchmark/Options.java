package io.github.iothubkit.benchmark;

/**
 * What one run does. Positional arguments: {@code [messages] [payloadBytes] [devices]}.
 *
 * @param messages per throughput burst (fake hub and raw Moquette; the service-SDK burst sends at most 3000)
 * @param payload  body size in bytes (at least 4: the message index)
 * @param devices  devices the messages are spread over, round-robin
 */
record Options(int messages, int payload, int devices) {

    static final int DEFAULT_MESSAGES = 10_000;
    static final int DEFAULT_PAYLOAD = 256;
    static final int DEFAULT_DEVICES = 4;

    /**
     * Messages a sender keeps on their way to one device. Below IoT Hub's queue depth of 50 with room for the
     * hub's 10 in-flight messages whose PUBACK is still travelling, so the fake never answers "queue full".
     */
    static final int WINDOW = 32;

    // Every address in 127.0.0.60-69: other engineers' tests use other 127.0.0.x addresses.
    static final String HOST_RAW = "127.0.0.60";
    static final String HOST_HUB = "127.0.0.61";
    static final String HOST_SDK = "127.0.0.62";
    static final String HOST_WARM = "127.0.0.63";
    static final String HOST_COLD = "127.0.0.64";
    static final String HOST_RAW_START = "127.0.0.65";

    static Options parse(String[] args) {
        int messages = intArg(args, 0, DEFAULT_MESSAGES, "messages");
        int payload = intArg(args, 1, DEFAULT_PAYLOAD, "payloadBytes");
        int devices = intArg(args, 2, DEFAULT_DEVICES, "devices");
        if (messages < 100 || messages > 1_000_000) {
            throw new IllegalArgumentException("messages must be 100..1000000, not " + messages);
        }
        if (payload < 4 || payload > 60 * 1024) {
            throw new IllegalArgumentException("payloadBytes must be 4..61440 (IoT Hub's C2D limit is 64 KB), not "
                    + payload);
        }
        if (devices < 1 || devices > 100) {
            throw new IllegalArgumentException("devices must be 1..100, not " + devices);
        }
        return new Options(messages, payload, devices);
    }

    private static int intArg(String[] args, int i, int fallback, String name) {
        if (args.length <= i || args[i].isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(args[i].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + args[i] + "'");
        }
    }

    /** A warm-up burst before each measured one, for the JIT. */
    int warmup() {
        return Math.max(500, messages / 5);
    }

    /** Sequential latency samples. */
    int samples() {
        return Math.min(1000, Math.max(100, messages / 10));
    }

    /** Messages of the service-SDK burst (its 200 ms send timer makes it slow). */
    int sdkMessages() {
        return Math.min(3000, messages);
    }
}
