package io.github.iothubkit.fakehub.method;

import io.github.iothubkit.fakehub.HubClock;
import io.github.iothubkit.fakehub.internal.Monitors;
import io.github.iothubkit.fakehub.registry.DeviceRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authority on direct methods: an invocation waits up to its connect timeout for the device to be online
 * and subscribed, goes to the device's session with a request id of its own, and ends with the device's
 * answer, 404103 (never online) or 504101 (no answer in time). Concurrent invocations are correlated by request
 * id; an answer after the timeout is dropped. Deadlines follow the hub clock ({@link #expireDue}).
 */
public final class DirectMethods {

    private static final Logger LOG = LoggerFactory.getLogger(DirectMethods.class);
    /** IoT Hub's limit for request and response payloads. */
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    static final Duration MIN_RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(300);
    /** Printable ASCII without {@code $ ( ) < > @ , ; : \ " / [ ] ? = { }}, space and tab (direct-methods guide). */
    private static final Pattern METHOD_NAME = Pattern.compile("[!#%&'*+\\-.0-9A-Z^_`a-z|~]+");

    private final DeviceRegistry registry;
    private final HubClock clock;
    private final Map<String, MethodEndpoint> sessions = new HashMap<>();
    private final Map<String, MethodHandler> simulated = new HashMap<>();
    private final Map<String, List<Call>> history = new HashMap<>();
    private final List<Call> pending = new ArrayList<>();
    private long nextRequestId;

    public DirectMethods(DeviceRegistry registry, HubClock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---- service side and tests ----------------------------------------------------------------

    /**
     * Invokes a method as the service does. The future completes with the device's answer, or exceptionally with
     * a {@link MethodException}: 404001 unknown device, 400004 bad arguments, 404103 not online within the
     * connect timeout, 504101 no answer within the response timeout.
     */
    public CompletableFuture<MethodResult> invokeAsync(String deviceId, MethodRequest request) {
        Call call;
        MethodEndpoint endpoint;
        synchronized (this) {
            try {
                check(deviceId, request);
            } catch (MethodException e) {
                return CompletableFuture.failedFuture(e);
            }
            call = new Call(deviceId, request, clock.now());
            history.computeIfAbsent(deviceId, d -> new ArrayList<>()).add(call);
            pending.add(call);
            endpoint = endpoint(deviceId);
            if (endpoint != null) {
                start(call);
            } else if (request.connectTimeout().isZero()) {
                fail(call, MethodException.notOnline(0));
            } else {
                call.deadline = clock.now().plus(request.connectTimeout());
            }
            notifyAll();
        }
        if (endpoint != null) {
            endpoint.deliver(call.requestId, request.methodName(), request.payloadJson());
        }
        return call.future;
    }

    /**
     * Invokes and waits for the outcome. With a manual clock the timeouts pass only when the test moves the
     * clock; this waits at most the two timeouts plus 5 s of wall time.
     *
     * @throws MethodException as {@link #invokeAsync} completes
     */
    public MethodResult invoke(String deviceId, MethodRequest request) {
        CompletableFuture<MethodResult> future = invokeAsync(deviceId, request);
        Duration wait = request.responseTimeout().plus(request.connectTimeout()).plusSeconds(5);
        try {
            return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof MethodException m ? m : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no outcome of method '" + request.methodName() + "' on '" + deviceId
                    + "' within " + wait + " of wall time (a manual clock must be moved for its timeouts to pass)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while invoking " + request.methodName(), e);
        }
    }

    /** Invokes with IoT Hub's default timeouts (30 s response, 0 s connect). */
    public MethodResult invoke(String deviceId, String methodName, String payloadJson) {
        return invoke(deviceId, MethodRequest.of(methodName, payloadJson));
    }

    /**
     * Simulates the device: while no real session of the device is subscribed to methods, the hub answers with
     * {@code handler} (null removes it). Cleared by the hub's reset.
     */
    public synchronized void answerFor(String deviceId, MethodHandler handler) {
        if (handler == null) {
            simulated.remove(deviceId);
        } else {
            simulated.put(deviceId, handler);
        }
    }

    /** Every invocation of the device's methods, oldest first. */
    public synchronized List<MethodInvocation> invocations(String deviceId) {
        return history.getOrDefault(deviceId, List.of()).stream().map(Call::snapshot).toList();
    }

    /**
     * Waits for an invocation of {@code methodName} on the device.
     *
     * @throws AssertionError after the timeout, listing the invocations that did happen
     */
    public synchronized MethodInvocation awaitInvocation(String deviceId, String methodName, Duration timeout) {
        return Monitors.await(this, timeout, () -> history.getOrDefault(deviceId, List.of()).stream()
                .filter(c -> c.request.methodName().equals(methodName)).findFirst().map(Call::snapshot).orElse(null),
                () -> "method '" + methodName + "' was not invoked on device '" + deviceId + "' within " + timeout
                        + "; invoked: " + history.getOrDefault(deviceId, List.of()).stream()
                                .map(c -> c.request.methodName()).toList(),
                "an invocation of " + methodName);
    }

    // ---- device side ---------------------------------------------------------------------------

    /**
     * A session of the device subscribed to methods (the latest one wins): invocations waiting for the device go
     * to it now. Close the handle when the session ends or unsubscribes.
     */
    AutoCloseable subscribed(String deviceId, MethodEndpoint endpoint) {
        List<Call> ready = new ArrayList<>();
        synchronized (this) {
            sessions.put(deviceId, endpoint);
            for (Call call : pending) {
                if (call.deviceId.equals(deviceId) && call.requestId == null) {
                    start(call);
                    ready.add(call);
                }
            }
            notifyAll();
        }
        ready.forEach(c -> endpoint.deliver(c.requestId, c.request.methodName(), c.request.payloadJson()));
        return () -> {
            synchronized (DirectMethods.this) {
                sessions.remove(deviceId, endpoint);
            }
        };
    }

    /** Whether a session of the device is subscribed to methods. */
    public synchronized boolean isSubscribed(String deviceId) {
        return sessions.containsKey(deviceId);
    }

    /**
     * The device's answer to the request {@code requestId}.
     *
     * @return false when no invocation waits for it (unknown id, or answered or timed out already): dropped
     */
    public boolean respond(String deviceId, String requestId, int status, String payloadJson) {
        Call call;
        synchronized (this) {
            call = pending.stream().filter(c -> c.deviceId.equals(deviceId) && requestId.equals(c.requestId))
                    .findFirst().orElse(null);
            if (call == null) {
                LOG.info("Dropped the answer of '{}' to method request {}: no invocation waits for it", deviceId,
                        requestId);
                return false;
            }
            pending.remove(call);
            call.result = new MethodResult(status, payloadJson);
            notifyAll();
        }
        call.future.complete(call.result);
        return true;
    }

    // ---- hub lifecycle -------------------------------------------------------------------------

    /** Fails the invocations whose connect or response timeout has passed on the hub clock. */
    void expireDue() {
        List<Call> expired = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.now();
            for (Call call : pending) {
                if (call.deadline != null && !now.isBefore(call.deadline)) {
                    expired.add(call);
                }
            }
            for (Call call : expired) {
                pending.remove(call);
                call.error = call.requestId == null ? MethodException.notOnline(call.request.connectTimeout().toSeconds())
                        : MethodException.gatewayTimeout();
            }
            if (!expired.isEmpty()) {
                notifyAll();
            }
        }
        expired.forEach(c -> c.future.completeExceptionally(c.error));
    }

    /** The device is gone: its waiting invocations fail with 404001 and its history goes. */
    void deviceDeleted(String deviceId) {
        List<Call> failed = new ArrayList<>();
        synchronized (this) {
            for (Call call : pending) {
                if (call.deviceId.equals(deviceId)) {
                    call.error = MethodException.deviceNotFound(deviceId);
                    failed.add(call);
                }
            }
            pending.removeAll(failed);
            history.remove(deviceId);
            simulated.remove(deviceId);
            notifyAll();
        }
        failed.forEach(c -> c.future.completeExceptionally(c.error));
    }

    /** Forgets every invocation, simulated device and session (the hub's reset). */
    public void reset() {
        List<Call> failed;
        synchronized (this) {
            failed = new ArrayList<>(pending);
            pending.clear();
            history.clear();
            simulated.clear();
            sessions.clear();
            notifyAll();
        }
        failed.forEach(c -> c.future.completeExceptionally(MethodException.gatewayTimeout()));
    }

    // ---- internals -----------------------------------------------------------------------------

    private void check(String deviceId, MethodRequest request) {
        if (registry.find(deviceId).isEmpty()) {
            throw MethodException.deviceNotFound(deviceId);
        }
        if (!METHOD_NAME.matcher(request.methodName()).matches()) {
            throw MethodException.invalid("The method name '" + request.methodName() + "' is empty or holds a"
                    + " character IoT Hub does not allow ($ ( ) < > @ , ; : \\ \" / [ ] ? = { }, space, tab)");
        }
        Duration response = request.responseTimeout();
        if (response.compareTo(MIN_RESPONSE_TIMEOUT) < 0 || response.compareTo(MAX_TIMEOUT) > 0) {
            throw MethodException.invalid("responseTimeoutInSeconds must be between 5 and 300, was "
                    + response.toSeconds());
        }
        Duration connect = request.connectTimeout();
        if (connect.isNegative() || connect.compareTo(MAX_TIMEOUT) > 0) {
            throw MethodException.invalid("connectTimeoutInSeconds must be between 0 and 300, was "
                    + connect.toSeconds());
        }
        try {
            io.vertx.core.json.Json.decodeValue(request.payloadJson());
        } catch (io.vertx.core.json.DecodeException e) {
            throw MethodException.invalid("The method payload is not JSON: " + e.getMessage());
        }
        int size = request.payloadJson().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PAYLOAD_BYTES) {
            throw MethodException.invalid("The method payload is " + size + " bytes, over IoT Hub's limit of "
                    + MAX_PAYLOAD_BYTES + " bytes");
        }
    }

    /** The device's real session, else its simulation; null when neither exists. */
    private MethodEndpoint endpoint(String deviceId) {
        MethodEndpoint session = sessions.get(deviceId);
        if (session != null) {
            return session;
        }
        MethodHandler handler = simulated.get(deviceId);
        return handler == null ? null : (requestId, name, payload) -> {
            MethodResult answer = handler.answer(name, payload);
            if (answer != null) {
                respond(deviceId, requestId, answer.status(), answer.payloadJson());
            }
        };
    }

    private void start(Call call) {
        call.requestId = Long.toHexString(++nextRequestId);
        call.deadline = clock.now().plus(call.request.responseTimeout());
    }

    private void fail(Call call, MethodException error) {
        pending.remove(call);
        call.error = error;
        call.future.completeExceptionally(error);
    }

    /** One invocation; its fields change only under the owner's lock. */
    private static final class Call {
        final String deviceId;
        final MethodRequest request;
        final Instant at;
        final CompletableFuture<MethodResult> future = new CompletableFuture<>();
        String requestId;
        Instant deadline;
        MethodResult result;
        MethodException error;

        Call(String deviceId, MethodRequest request, Instant at) {
            this.deviceId = deviceId;
            this.request = request;
            this.at = at;
        }

        MethodInvocation snapshot() {
            return new MethodInvocation(deviceId, request.methodName(), request.payloadJson(), at, result, error);
        }
    }
}
