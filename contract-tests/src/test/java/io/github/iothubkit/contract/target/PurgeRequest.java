package io.github.iothubkit.contract.target;

import io.github.iothubkit.appsupport.ConnectionStrings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * {@code DELETE https://{host}/devices/{id}/commands?api-version=2021-04-12} with a service SAS, on
 * java.net.http: the documented purge, which the Java service SDK 2.1.9 does not offer.
 */
final class PurgeRequest {

    private static final Pattern PURGED = Pattern.compile("\"totalMessagesPurged\"\\s*:\\s*(\\d+)");

    private PurgeRequest() {
    }

    static int purge(String serviceConnectionString, SSLContext trust, String deviceId) {
        String host = ConnectionStrings.attribute(serviceConnectionString, "HostName");
        try {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(trust != null ? trust : SSLContext.getDefault())
                    .connectTimeout(Duration.ofSeconds(20))
                    .build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + host + "/devices/" + deviceId
                            + "/commands?api-version=2021-04-12"))
                    .header("Authorization", Sas.serviceToken(serviceConnectionString))
                    .header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .DELETE()
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher m = PURGED.matcher(response.body());
            if (response.statusCode() != 200 || !m.find()) {
                throw new AssertionError("purge of '" + deviceId + "' answered " + response.statusCode() + ": "
                        + response.body());
            }
            return Integer.parseInt(m.group(1));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new AssertionError("purge of '" + deviceId + "' on https://" + host + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during the purge of '" + deviceId + "'", e);
        }
    }
}
