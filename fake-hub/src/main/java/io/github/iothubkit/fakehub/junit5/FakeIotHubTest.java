package io.github.iothubkit.fakehub.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the class against a fake IoT Hub on a free loopback address: one hub for the class (or, with
 * {@link #shared()}, one for the whole test run), reset before each test. Test methods, lifecycle
 * methods and constructors take {@code FakeIotHub hub} and {@code DeviceIdentity device} (optionally
 * {@link TestDevice @TestDevice("id")}) as parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FakeIotHubExtension.class)
public @interface FakeIotHubTest {

    /** One hub for every class of the run that asks for a shared hub; started once, reset between tests. */
    boolean shared() default false;

    /** Gives the hub a {@code HubClock.manual()}, which tests move with {@code hub.clock().advance(..)}. */
    boolean manualClock() default false;
}
