package io.github.iothubkit.fakehub.amqp;

import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.sasl.ProtonSaslAuthenticator;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;

/**
 * Lets every client in, with or without a SASL layer. IoT Hub authorises through CBS put-token, not
 * SASL: the Java and Python SDKs use ANONYMOUS, PLAIN or EXTERNAL from other clients is accepted without
 * looking at the credentials (which are therefore never read, let alone logged), and the Node service
 * SDK (rhea without a mechanism) skips SASL altogether and sends the plain AMQP header. proton-j sniffs
 * the header and answers in kind; a client without SASL is let in once its AMQP Open has arrived.
 */
final class LiberalSaslAuthenticator implements ProtonSaslAuthenticator {

    private Sasl sasl;
    private ProtonConnection connection;
    private boolean succeeded;

    @Override
    public void init(NetSocket socket, ProtonConnection connection, Transport transport) {
        this.connection = connection;
        FullFieldLists.install(transport); // before the first frame: every client decodes what we send
        sasl = transport.sasl();
        sasl.server();
        sasl.allowSkip(true);
        sasl.setMechanisms("ANONYMOUS", "PLAIN", "EXTERNAL", "MSSBCBS");
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
        } else if (connection.getRemoteContainer() != null) {
            succeeded = true; // an Open without SASL (its container-id is mandatory): CBS will authorise
            done = true;
        }
        completionHandler.handle(done);
    }

    @Override
    public boolean succeeded() {
        return succeeded;
    }
}
