package io.github.iothubkit.fakehub;

import io.github.iothubkit.fakehub.junit5.FakeIotHubExtension;

/**
 * The hub of a test class whose SDKs reach the front door on 443 (WebSockets, REST) as they do in Azure: one
 * hub a class, reset before each test. Each class names an address of its own, since 443 is taken per address.
 */
public final class FrontDoorHub {

    private FrontDoorHub() {
    }

    public static FakeIotHubExtension at(String host) {
        return FakeIotHubExtension.newInstance().host(host).configure(b -> b.httpsPort(443)).build();
    }
}
