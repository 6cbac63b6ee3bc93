package io.github.iothubkit.fakehub.amqp;

import io.github.iothubkit.fakehub.internal.PercentDecoding;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes a link attach to the node that serves its address. Addresses are templates such as
 * {@code /devices/{id}/messages/events}; a {@code {name}} matches one path segment and is handed to
 * the node. Matching is liberal, as the SDKs differ: any case, leading slash optional, and an
 * {@code amqps://host[:port]} prefix (uamqp's C2D target) ignored.
 */
final class NodeTable {

    /** A client's sender attached to a node: the hub receives on {@code link}. */
    @FunctionalInterface
    interface Incoming {
        void attach(ProtonReceiver link, Map<String, String> params);
    }

    /** A client's receiver attached to a node: the hub sends on {@code link}. */
    @FunctionalInterface
    interface Outgoing {
        void attach(ProtonSender link, Map<String, String> params);
    }

    /** A route that matched, with the node's handler and the template's parameters. */
    record Match<H>(String template, Access access, H handler, Map<String, String> params) {
    }

    private record Route<H>(String template, Pattern pattern, List<String> names, Access access, H handler) {
    }

    private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z]+)}");
    private static final Pattern SCHEME_AND_HOST = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*");

    private final List<Route<Incoming>> incoming = new ArrayList<>();
    private final List<Route<Outgoing>> outgoing = new ArrayList<>();

    NodeTable incoming(String template, Access access, Incoming handler) {
        incoming.add(route(template, access, handler));
        return this;
    }

    NodeTable outgoing(String template, Access access, Outgoing handler) {
        outgoing.add(route(template, access, handler));
        return this;
    }

    Optional<Match<Incoming>> findIncoming(String address) {
        return find(incoming, address);
    }

    Optional<Match<Outgoing>> findOutgoing(String address) {
        return find(outgoing, address);
    }

    /** The path part of an attach address: no scheme or host, one leading slash, no trailing slash. */
    static String path(String address) {
        if (address == null) {
            return null;
        }
        String p = SCHEME_AND_HOST.matcher(address.strip()).replaceFirst("");
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.startsWith("/") ? p : "/" + p;
    }

    private static <H> Route<H> route(String template, Access access, H handler) {
        String path = path(template);
        Matcher m = PARAM.matcher(path);
        StringBuilder regex = new StringBuilder("^");
        List<String> names = new ArrayList<>();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(path.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(path.substring(last))).append('$');
        Pattern pattern = Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        return new Route<>(template, pattern, List.copyOf(names), access, handler);
    }

    private static <H> Optional<Match<H>> find(List<Route<H>> routes, String address) {
        String path = path(address);
        if (path == null) {
            return Optional.empty();
        }
        for (Route<H> r : routes) {
            Matcher m = r.pattern().matcher(path);
            if (m.matches()) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < r.names().size(); i++) {
                    params.put(r.names().get(i), m.group(i + 1));
                }
                return Optional.of(new Match<>(r.template(), r.access(), r.handler(), Map.copyOf(params)));
            }
        }
        return Optional.empty();
    }

    /** Who may attach to a node: checked against the connection's CBS grants before the node sees the link. */
    interface Access {
        /** No grant needed ({@code $cbs} itself). */
        Access NONE = (grants, params) -> true;
        /** A service policy with ServiceConnect ({@code /messages/devicebound}, feedback). */
        Access SERVICE = (grants, params) -> grants.service().isPresent();

        /** A grant for the device named by the (percent-encoded) template parameter {@code param}. */
        static Access device(String param) {
            return (grants, params) -> {
                String id = params.get(param) == null ? null : PercentDecoding.decodeOrNull(params.get(param));
                return id != null && grants.device(id).isPresent();
            };
        }

        boolean granted(Cbs grants, Map<String, String> params);
    }
}
