/**
 * Device sessions, transport-neutral: {@link io.github.iothubkit.fakehub.session.DeviceSessions} is the one
 * record of who is connected, over which transport and subscribed to what. A device transport implements
 * {@link io.github.iothubkit.fakehub.session.DeviceLink} per connection and reports it; features (C2D now,
 * twins and methods next) ask here and push through the link. Hub SPI, not test API: tests use
 * {@code hub.isConnected(id)} and {@code hub.disconnect(id)}.
 */
package io.github.iothubkit.fakehub.session;
