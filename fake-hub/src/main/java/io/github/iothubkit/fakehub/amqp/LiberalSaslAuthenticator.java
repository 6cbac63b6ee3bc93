package io.github.iothubkit.fakehub.amqp;

import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.sasl.ProtonSaslAuthenticator;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;

/**
 * SASL that lets every client in. IoT Hub authorises through CBS put-token, not SASL: the Azure SDKs
 * use ANONYMOUS, and PLAIN or EXTERNAL from other clients is accepted without looking at the
 * credentials (which are therefore never read, let alone logged).
 */
final class LiberalSaslAuthenticator implements ProtonSaslAuthenticator {

    private Sasl sasl;
    private boolean succeeded;

    @Override
    public void init(NetSocket socket, ProtonConnection connection, Transport transport) {
        sasl = transport.sasl();
        sasl.server();
        sasl.allowSkip(false);
        sasl.setMechanisms("ANONYMOUS", "PLAIN", "EXTERNAL");
    }

    @Override
    public void process(Handler<Boolean> completionHandler) {
        if (sasl == null) {
            throw new IllegalStateException("init was not called");
        }
        boolean done = false;
        if (sasl.getRemoteMechanisms().length > 0) {
            byte[] initialResponse = new byte[sasl.pending()];
            sasl.recv(initialResponse, 0, initialResponse.length); // consumed, deliberately ignored
            sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
            succeeded = true;
            done = true;
        }
        completionHandler.handle(done);
    }

    @Override
    public boolean succeeded() {
        return succeeded;
    }
}
