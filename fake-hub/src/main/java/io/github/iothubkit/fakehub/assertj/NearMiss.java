package io.github.iothubkit.fakehub.assertj;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Renders "nothing matched" as WireMock's near-miss report does: the closest candidates, best first,
 * each beside the expectation, one field a line, with a marker on every line that differs.
 */
final class NearMiss {

    static final String MARKER = "<<<<< does not match";
    static final int SHOWN = 3;
    private static final int MAX_VALUE = 60;

    /** @param title what the candidate is, e.g. "telemetry message 2 of 4" */
    record Candidate(String title, Map<String, String> fields) {
    }

    private NearMiss() {
    }

    static String render(Map<String, String> expected, List<Candidate> candidates) {
        List<Candidate> ranked = new ArrayList<>(candidates);
        ranked.sort(Comparator.comparingInt(c -> differences(expected, c.fields()))); // stable: ties keep order
        StringBuilder s = new StringBuilder();
        if (ranked.isEmpty()) {
            return s.append("There were no candidates to compare.").toString();
        }
        int shown = Math.min(SHOWN, ranked.size());
        s.append("Closest ").append(shown == 1 ? "candidate" : shown + " candidates").append(" of ")
                .append(ranked.size()).append(", best first:");
        int width = "Expected".length();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            width = Math.max(width, line(e.getKey(), e.getValue()).length());
        }
        for (int i = 0; i < shown; i++) {
            Candidate c = ranked.get(i);
            int diff = differences(expected, c.fields());
            s.append("\n\n#").append(i + 1).append(' ').append(c.title()).append(" (").append(diff).append(" of ")
                    .append(expected.size()).append(expected.size() == 1 ? " field" : " fields").append(" differ")
                    .append(diff == 1 ? "s" : "").append(")\n");
            s.append(pad("Expected", width)).append(" | Actual");
            int right = 0;
            for (String field : expected.keySet()) {
                right = Math.max(right, line(field, c.fields().get(field)).length());
            }
            for (Map.Entry<String, String> e : expected.entrySet()) {
                String actual = c.fields().get(e.getKey());
                s.append('\n').append(pad(line(e.getKey(), e.getValue()), width)).append(" | ");
                if (e.getValue().equals(actual)) {
                    s.append(line(e.getKey(), actual));
                } else {
                    s.append(pad(line(e.getKey(), actual), right)).append(' ').append(MARKER);
                }
            }
        }
        return s.toString();
    }

    static int differences(Map<String, String> expected, Map<String, String> actual) {
        return (int) expected.entrySet().stream().filter(e -> !e.getValue().equals(actual.get(e.getKey()))).count();
    }

    static String line(String field, String value) {
        return field + ": " + show(value);
    }

    static String show(String value) {
        if (value == null) {
            return "(absent)";
        }
        String flat = value.replace("\n", "\\n").replace("\r", "\\r");
        return flat.length() > MAX_VALUE ? flat.substring(0, MAX_VALUE) + "..." : flat;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
