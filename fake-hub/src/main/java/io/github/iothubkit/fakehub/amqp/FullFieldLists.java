package io.github.iothubkit.fakehub.amqp;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AbstractDescribedType;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.engine.Transport;

/**
 * Makes a connection's transport write every performative (and the error inside one) with all its
 * fields. proton-j drops trailing null/default fields, which AMQP 1.0 allows, but the pure-Python
 * transport of {@code azure-eventhub} (pyamqp, 5.x) indexes every field of Open, Begin, Attach, Flow,
 * Transfer, Close and the error list and fails with IndexError otherwise. Explicit nulls (or the
 * defaults themselves) mean the same thing to every other decoder, so all clients keep working.
 * proton-j has no public hook for its per-transport encoder, hence the one reflective read.
 */
final class FullFieldLists {

    private FullFieldLists() {
    }

    /** Installs the full-list encoders on {@code transport}; call before it writes its first frame. */
    static void install(Transport transport) {
        EncoderImpl encoder = encoderOf(transport);
        encoder.register(type(encoder, 0x10L, Open.class, o -> new Object[] {
            o.getContainerId(), o.getHostname(), o.getMaxFrameSize(), o.getChannelMax(), o.getIdleTimeOut(),
            o.getOutgoingLocales(), o.getIncomingLocales(), o.getOfferedCapabilities(),
            o.getDesiredCapabilities(), o.getProperties()}));
        encoder.register(type(encoder, 0x11L, Begin.class, b -> new Object[] {
            b.getRemoteChannel(), b.getNextOutgoingId(), b.getIncomingWindow(), b.getOutgoingWindow(),
            b.getHandleMax(), b.getOfferedCapabilities(), b.getDesiredCapabilities(), b.getProperties()}));
        encoder.register(type(encoder, 0x12L, Attach.class, a -> new Object[] {
            a.getName(), a.getHandle(), valueOf(a.getRole()), valueOf(a.getSndSettleMode()),
            valueOf(a.getRcvSettleMode()), a.getSource(), a.getTarget(), a.getUnsettled(),
            a.getIncompleteUnsettled(), a.getInitialDeliveryCount(), a.getMaxMessageSize(),
            a.getOfferedCapabilities(), a.getDesiredCapabilities(), a.getProperties()}));
        encoder.register(type(encoder, 0x13L, Flow.class, f -> new Object[] {
            f.getNextIncomingId(), f.getIncomingWindow(), f.getNextOutgoingId(), f.getOutgoingWindow(),
            f.getHandle(), f.getDeliveryCount(), f.getLinkCredit(), f.getAvailable(), f.getDrain(),
            f.getEcho(), f.getProperties()}));
        encoder.register(type(encoder, 0x14L, Transfer.class, t -> new Object[] {
            t.getHandle(), t.getDeliveryId(), t.getDeliveryTag(), t.getMessageFormat(), t.getSettled(),
            t.getMore(), valueOf(t.getRcvSettleMode()), t.getState(), t.getResume(), t.getAborted(),
            t.getBatchable()}));
        encoder.register(type(encoder, 0x15L, Disposition.class, d -> new Object[] {
            valueOf(d.getRole()), d.getFirst(), d.getLast(), d.getSettled(), d.getState(), d.getBatchable()}));
        encoder.register(type(encoder, 0x16L, Detach.class, d -> new Object[] {
            d.getHandle(), d.getClosed(), d.getError()}));
        encoder.register(type(encoder, 0x17L, End.class, e -> new Object[] {e.getError()}));
        encoder.register(type(encoder, 0x18L, Close.class, c -> new Object[] {c.getError()}));
        encoder.register(type(encoder, 0x1dL, ErrorCondition.class, e -> new Object[] {
            e.getCondition(), e.getDescription(), e.getInfo()}));
    }

    // The enums proton-j keeps for these fields, as the AMQP values they stand for (null stays null).
    private static Object valueOf(Role role) {
        return role == null ? null : role.getValue();
    }

    private static Object valueOf(SenderSettleMode mode) {
        return mode == null ? null : mode.getValue();
    }

    private static Object valueOf(ReceiverSettleMode mode) {
        return mode == null ? null : mode.getValue();
    }

    private static EncoderImpl encoderOf(Transport transport) {
        try {
            Field field = transport.getClass().getDeclaredField("_encoder");
            field.setAccessible(true);
            return (EncoderImpl) field.get(transport);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("proton-j's TransportImpl no longer has an _encoder field", e);
        }
    }

    private static <T> AbstractDescribedType<T, List<Object>> type(
            EncoderImpl encoder, long code, Class<T> typeClass, Function<T, Object[]> fields) {
        UnsignedLong descriptor = UnsignedLong.valueOf(code);
        return new AbstractDescribedType<>(encoder) {
            @Override
            protected UnsignedLong getDescriptor() {
                return descriptor;
            }

            @Override
            protected List<Object> wrap(T value) {
                return Arrays.asList(fields.apply(value));
            }

            @Override
            public Class<T> getTypeClass() {
                return typeClass;
            }
        };
    }
}
