package io.github.iothubkit.fakehub.twin;

/**
 * A device session subscribed to desired-property patches. Called in version order, under the twin owner's
 * lock: an implementation only queues the patch on its connection and never blocks.
 */
@FunctionalInterface
public interface DesiredListener {

    /** @param patchJson the changed members ({@code null} for removed ones) plus {@code "$version": version} */
    void desiredPatch(int version, String patchJson);
}
