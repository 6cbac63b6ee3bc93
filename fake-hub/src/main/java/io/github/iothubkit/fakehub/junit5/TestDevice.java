package io.github.iothubkit.fakehub.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the device a {@code DeviceIdentity} parameter gets. Without it the id is
 * {@code <test method name>-<parameter index>}. The device is registered (enabled, generated keys) on
 * first use in a test; a lifecycle method and the test asking for the same id get the same device.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TestDevice {

    /** The device id. */
    String value();
}
