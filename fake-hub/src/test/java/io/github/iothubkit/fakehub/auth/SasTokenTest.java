package io.github.iothubkit.fakehub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SasTokenTest {

    private static final String KEY = Keys.generate();

    @Test
    void verifiesTheJavaDeviceSdkFormSignedOverTheRawResource() {
        String sr = "127.0.0.1/devices/dev+1"; // form-encoded space, as the Java device SDK sends it
        long se = Instant.now().plusSeconds(3600).getEpochSecond();
        String sig = URLEncoder.encode(SasToken.sign(KEY, sr + "\n" + se), StandardCharsets.UTF_8);
        SasToken token = SasToken.parse("SharedAccessSignature sig=" + sig + "&se=" + se + "&sr=" + sr);
        assertThat(token.isSignedWith(KEY)).isTrue();
        assertThat(token.isSignedWith(Keys.generate())).isFalse();
        assertThat(token.isFor("127.0.0.1/devices/dev 1")).isTrue();
        assertThat(token.keyName()).isNull();
    }

    @Test
    void verifiesTheServiceFormSignedOverTheEncodedLowerCasedResource() {
        String token = SasToken.create("MyHub.Example", "iothubowner", KEY, Instant.now().plusSeconds(60));
        SasToken parsed = SasToken.parse(token);
        assertThat(parsed.resource()).isEqualTo("myhub.example");
        assertThat(parsed.isSignedWith(KEY)).isTrue();
        assertThat(parsed.covers("myhub.example")).isTrue();
        assertThat(parsed.covers("MYHUB.example/devices/x")).isTrue();
        assertThat(parsed.covers("myhub.example2")).isFalse();
        assertThat(parsed.keyName()).isEqualTo("iothubowner");
    }

    @Test
    void acceptsFieldsInAnyOrderAndCaseAFractionalExpiryAndAnUnencodedSignature() {
        long se = Instant.now().plusSeconds(60).getEpochSecond();
        String sr = "h.example%2Fdevices%2Fd";
        String sig = SasToken.sign(KEY, sr + "\n" + se);
        SasToken token = SasToken.parse("sharedaccesssignature SE=" + se + ".0&SR=" + sr + "&Sig=" + sig + "&extra=1");
        assertThat(token.isSignedWith(KEY)).isTrue();
        assertThat(token.isFor("h.example/devices/d")).isTrue();
        assertThat(token.isExpiredAt(Instant.now())).isFalse();
        assertThat(token.isExpiredAt(Instant.ofEpochSecond(se))).isTrue();
    }

    @Test
    void rejectsMalformedTokensWithAClearReason() {
        assertThatThrownBy(() -> SasToken.parse(null)).hasMessageContaining("no SAS token");
        assertThatThrownBy(() -> SasToken.parse("Bearer abc")).hasMessageContaining("SharedAccessSignature");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sig=a&se=1")).hasMessageContaining("'sr'");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=a&se=1")).hasMessageContaining("'sig'");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=a&sig=b")).hasMessageContaining("'se'");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr=a&sig=b&se=soon")).hasMessageContaining("number");
        assertThatThrownBy(() -> SasToken.parse("SharedAccessSignature sr")).hasMessageContaining("malformed");
    }

    @Test
    void neverPrintsTheSignature() {
        String token = SasToken.create("h", "p", KEY, Instant.now());
        assertThat(SasToken.parse(token).toString()).doesNotContain("sig").doesNotContain(token.split("sig=")[1].split("&")[0]);
    }

    /** Fuzz: arbitrary input either parses or throws IllegalArgumentException, and never verifies. */
    @Test
    void arbitraryInputNeverThrowsAnythingElseAndNeverVerifies() {
        Random random = new Random(11);
        String alphabet = "SharedAccessSignature sr=sig=se=skn=&%+/0123456789.abcXYZ\n\u0000é";
        for (int round = 0; round < 10_000; round++) {
            StringBuilder s = new StringBuilder(round % 3 == 0 ? "SharedAccessSignature " : "");
            for (int i = 0; i < random.nextInt(60); i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                SasToken token = SasToken.parse(s.toString());
                assertThat(token.isSignedWith(KEY)).isFalse();
                token.isFor("x");
                token.covers("x");
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
