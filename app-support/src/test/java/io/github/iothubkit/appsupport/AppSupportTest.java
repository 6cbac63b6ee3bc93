package io.github.iothubkit.appsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppSupportTest {

    @Test
    void findsACauseAnywhereInTheChainAndDescribesItOnOneLine() {
        Exception chain = new RuntimeException("outer", new IOException("middle", new SSLHandshakeException("PKIX\n  path")));
        assertThat(Causes.inChain(chain, SSLHandshakeException.class)).isTrue();
        assertThat(Causes.inChain(chain, IllegalStateException.class)).isFalse();
        assertThat(Causes.describe(Causes.rootCause(chain))).isEqualTo("PKIX path");
        assertThat(Causes.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void refusesAMissingFileOrTextWithoutCertificatesWithAClearMessage(@TempDir Path dir) {
        assertThatThrownBy(() -> TrustedCa.fromPemOrPath(dir.resolve("none.pem").toString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read the trusted CA file");
        assertThatThrownBy(() -> TrustedCa.fromPem("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the trusted CA in x");
    }

    @Test
    void readsConnectionStringAttributesWithTheServiceOrTheDeviceSdksCaseRule() {
        String cs = "hostname=h.example; DeviceId=d=1;SharedAccessKey=a2V5";

        assertThat(ConnectionStrings.attribute(cs, "HostName")).isNull();
        assertThat(ConnectionStrings.attributeIgnoringCase(cs, "HostName")).isEqualTo("h.example");
        assertThat(ConnectionStrings.attribute(cs, "DeviceId")).isEqualTo("d=1");
        assertThat(ConnectionStrings.attribute(cs, "SharedAccessKeyName")).isNull();
    }
}
