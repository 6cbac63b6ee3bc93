package io.github.iothubkit.fakehub.twin;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of IoT Hub's query language that tests use: {@code SELECT * FROM devices [WHERE ...]} with
 * {@code = != <> < <= > >=}, {@code AND OR NOT}, parentheses and {@code IS_DEFINED(path)} on {@code deviceId},
 * {@code status}, {@code connectionState}, {@code version}, {@code etag}, {@code tags.*} and
 * {@code properties.desired.*}/{@code properties.reported.*}. Anything else is refused with a message that names
 * it, never answered wrongly. Conditions follow IoT Hub's three-valued logic: a comparison with a missing
 * property or a value of another type is undefined, and only rows whose condition is true are returned.
 */
final class TwinQuery {

    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(?:(?<str>'(?:[^']|'')*'|\"(?:[^\"\\\\]|\\\\.)*\")|(?<num>-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)"
                    + "|(?<op><=|>=|!=|<>|=|<|>|\\(|\\)|\\*|,|\\[|\\])|(?<word>[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z0-9_$\\-]+)*))");
    private static final Set<String> TOP_LEVEL = Set.of("deviceId", "status", "connectionState", "version", "etag");

    /** A condition over one twin's service JSON: TRUE, FALSE, or null for undefined. */
    interface Condition {
        Boolean test(JsonObject twin);
    }

    private final List<String> tokens = new ArrayList<>();
    private final List<Kind> kinds = new ArrayList<>();
    private int pos;

    private enum Kind { STRING, NUMBER, OP, WORD }

    private TwinQuery(String sql) {
        Matcher m = TOKEN.matcher(sql);
        int at = 0;
        while (at < sql.length()) {
            if (!m.find(at) || m.start() != at) {
                if (sql.substring(at).isBlank()) {
                    break;
                }
                throw unsupported("the text at '" + excerpt(sql.substring(at).strip()) + "'");
            }
            for (Kind k : Kind.values()) {
                String g = m.group(k == Kind.STRING ? "str" : k == Kind.NUMBER ? "num" : k == Kind.OP ? "op" : "word");
                if (g != null) {
                    tokens.add(g);
                    kinds.add(k);
                }
            }
            at = m.end();
        }
    }

    /** Parses a query; throws {@link TwinException} (400) naming what the fake does not support. */
    static Condition parse(String sql) {
        if (sql == null || sql.isBlank()) {
            throw TwinException.invalid("The query is empty");
        }
        TwinQuery q = new TwinQuery(sql);
        q.expectWord("SELECT");
        if (!q.accept("*")) {
            throw unsupported("a projection other than SELECT * ('" + q.peekOr("end of query") + "')");
        }
        q.expectWord("FROM");
        String from = q.next("a collection after FROM");
        if (!from.equalsIgnoreCase("devices")) {
            throw unsupported("FROM " + from + " (only FROM devices)");
        }
        Condition where = twin -> Boolean.TRUE;
        if (q.acceptWord("WHERE")) {
            where = q.or();
        }
        if (q.pos < q.tokens.size()) {
            throw unsupported("'" + q.tokens.get(q.pos) + "' after the condition (GROUP BY, ORDER BY and the like)");
        }
        return where;
    }

    private Condition or() {
        Condition left = and();
        while (acceptWord("OR")) {
            Condition l = left;
            Condition r = and();
            left = t -> {
                Boolean a = l.test(t);
                Boolean b = r.test(t);
                return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b) ? Boolean.TRUE
                        : a == null || b == null ? null : Boolean.FALSE;
            };
        }
        return left;
    }

    private Condition and() {
        Condition left = unary();
        while (acceptWord("AND")) {
            Condition l = left;
            Condition r = unary();
            left = t -> {
                Boolean a = l.test(t);
                Boolean b = r.test(t);
                return Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b) ? Boolean.FALSE
                        : a == null || b == null ? null : Boolean.TRUE;
            };
        }
        return left;
    }

    private Condition unary() {
        if (acceptWord("NOT")) {
            Condition inner = unary();
            return t -> {
                Boolean v = inner.test(t);
                return v == null ? null : !v;
            };
        }
        if (accept("(")) {
            Condition inner = or();
            expect(")");
            return inner;
        }
        if (acceptWord("IS_DEFINED")) {
            expect("(");
            String path = path(next("a property in IS_DEFINED()"));
            expect(")");
            return t -> lookup(t, path) != null;
        }
        Operand left = operand();
        String op = next("a comparison operator");
        if (!Set.of("=", "!=", "<>", "<", "<=", ">", ">=").contains(op)) {
            throw unsupported("the operator or function '" + op + "'");
        }
        Operand right = operand();
        return t -> compare(left.value(t), op, right.value(t));
    }

    private interface Operand {
        Object value(JsonObject twin);
    }

    private Operand operand() {
        if (pos >= tokens.size()) {
            throw TwinException.invalid("The query ends where a value or property was expected");
        }
        String token = tokens.get(pos);
        Kind kind = kinds.get(pos++);
        switch (kind) {
            case STRING -> {
                Object s = unquote(token);
                return t -> s;
            }
            case NUMBER -> {
                BigDecimal n = new BigDecimal(token);
                return t -> n;
            }
            case WORD -> {
                String lower = token.toLowerCase(Locale.ROOT);
                if (lower.equals("true") || lower.equals("false")) {
                    Boolean b = Boolean.valueOf(lower);
                    return t -> b;
                }
                if (lower.equals("null")) {
                    throw unsupported("comparison with null (use IS_DEFINED)");
                }
                if (pos < tokens.size() && tokens.get(pos).equals("(")) {
                    throw unsupported("the function " + token + "() (only IS_DEFINED)");
                }
                String path = path(token);
                return t -> lookup(t, path);
            }
            default -> throw unsupported("'" + token + "' where a value or property was expected");
        }
    }

    private static String path(String token) {
        int dot = token.indexOf('.');
        String root = dot < 0 ? token : token.substring(0, dot);
        boolean ok = TOP_LEVEL.contains(root) && dot < 0
                || root.equals("tags") && dot > 0
                || token.startsWith("properties.desired.") || token.startsWith("properties.reported.");
        if (!ok) {
            throw unsupported("the property '" + token + "' (only deviceId, status, connectionState, version, etag,"
                    + " tags.*, properties.desired.* and properties.reported.*)");
        }
        return token;
    }

    private static Object lookup(JsonObject twin, String path) {
        Object v = Twin.at(twin, path);
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        return v;
    }

    private static Boolean compare(Object a, String op, Object b) {
        if (a == null || b == null) {
            return null;
        }
        if (op.equals("=") || op.equals("!=") || op.equals("<>")) {
            Boolean eq;
            if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
                eq = x.compareTo(y) == 0;
            } else if (a.getClass() == b.getClass()) {
                eq = a.equals(b);
            } else {
                return null; // IoT Hub: values of different types do not compare
            }
            return op.equals("=") ? eq : !eq;
        }
        int c;
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            c = x.compareTo(y);
        } else if (a instanceof String x && b instanceof String y) {
            c = x.compareTo(y);
        } else {
            return null;
        }
        return switch (op) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    private static String unquote(String token) {
        String body = token.substring(1, token.length() - 1);
        return token.charAt(0) == '\'' ? body.replace("''", "'") : body.replaceAll("\\\\(.)", "$1");
    }

    private boolean accept(String op) {
        if (pos < tokens.size() && kinds.get(pos) == Kind.OP && tokens.get(pos).equals(op)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean acceptWord(String word) {
        if (pos < tokens.size() && kinds.get(pos) == Kind.WORD && tokens.get(pos).equalsIgnoreCase(word)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String op) {
        if (!accept(op)) {
            throw TwinException.invalid("Expected '" + op + "' in the query but found '" + peekOr("end of query") + "'");
        }
    }

    private void expectWord(String word) {
        if (!acceptWord(word)) {
            throw unsupported("a query not of the form SELECT * FROM devices [WHERE ...] (found '"
                    + peekOr("end of query") + "' where " + word + " was expected)");
        }
    }

    private String next(String what) {
        if (pos >= tokens.size()) {
            throw TwinException.invalid("The query ends where " + what + " was expected");
        }
        return tokens.get(pos++);
    }

    private String peekOr(String fallback) {
        return pos < tokens.size() ? tokens.get(pos) : fallback;
    }

    private static TwinException unsupported(String what) {
        return TwinException.invalid("The fake IoT Hub does not support " + what
                + " in queries; it supports SELECT * FROM devices WHERE with = != < <= > >= AND OR NOT IS_DEFINED()");
    }

    private static String excerpt(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
