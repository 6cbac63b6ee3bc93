package io.github.iothubkit.fakehub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubkit.fakehub.FakeIotHub;
import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.security.SaslMechanisms;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Python's {@code azure-iot-hub} 2.7 sends C2D through uamqp's {@code JWTTokenAuth}, whose SASL layer asks for
 * the MSSBCBS mechanism (uamqp's default, "CBS follows") and gives up with "Could not find desired SASL
 * mechanism in the list presented by server" when the hub does not offer it: seen against a hub that
 * offered only ANONYMOUS, PLAIN and EXTERNAL. A client that just picks MSSBCBS would not notice, so this
 * reads the hub's sasl-mechanisms frame off the wire.
 */
class UamqpSaslMechanismTest {

    private static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};
    /** Started once for the class and reset before each test. */
    @RegisterExtension
    static final FakeIotHubExtension HUB = FakeIotHubExtension.newInstance().build();

    private static FakeIotHub hub() {
        return HUB.hub();
    }

    @Test
    void theHubOffersMssbcbsBesideAnonymous() throws Exception {
        try (SSLSocket socket = (SSLSocket) hub().trust().sslContext().getSocketFactory()
                .createSocket(hub().host(), hub().amqpsPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(SASL_HEADER);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());

            byte[] header = new byte[8];
            in.readFully(header);
            assertThat(header).isEqualTo(SASL_HEADER);
            int frameSize = in.readInt();
            byte[] rest = new byte[frameSize - 4];
            in.readFully(rest);
            int dataOffset = (rest[0] & 0xff) * 4; // doff counts 4-byte words from the frame's start
            assertThat(rest[1]).as("frame type: SASL").isEqualTo((byte) 1);

            DecoderImpl decoder = new DecoderImpl();
            AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
            decoder.setByteBuffer(ByteBuffer.wrap(rest, dataOffset - 4, frameSize - dataOffset));
            SaslMechanisms mechanisms = (SaslMechanisms) decoder.readObject();

            assertThat(Arrays.stream(mechanisms.getSaslServerMechanisms()).map(Symbol::toString))
                    .contains("MSSBCBS", "ANONYMOUS");
        }
    }
}
