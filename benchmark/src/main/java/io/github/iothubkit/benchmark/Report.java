package io.github.iothubkit.benchmark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures of one run, printed as a compact table at the end. */
final class Report {

    private record Row(String section, String metric, String value, String unit, String note) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    void add(String section, String metric, String value, String unit, String note) {
        rows.add(new Row(section, metric, value, unit, note == null ? "" : note));
    }

    void rate(String section, String metric, double perSecond, String note) {
        add(section, metric, String.format(Locale.ROOT, "%.0f", perSecond), "msg/s", note);
    }

    void latency(String section, String metric, Stats stats, String note) {
        add(section, metric, Stats.ms(stats.p50()) + " / " + Stats.ms(stats.p99()), "ms p50/p99",
                "n=" + stats.count() + (note == null ? "" : "; " + note));
    }

    void millis(String section, String metric, double ms, String note) {
        add(section, metric, Stats.ms(ms), "ms", note);
    }

    /** Something that must make the run fail (a lost message of the fake hub). */
    void problem(String text) {
        problems.add(text);
    }

    List<String> problems() {
        return problems;
    }

    void print(PrintStream out) {
        int w0 = width(0), w1 = width(1), w2 = width(2), w3 = width(3);
        String format = "%-" + w0 + "s  %-" + w1 + "s  %" + w2 + "s  %-" + w3 + "s  %s%n";
        out.printf(Locale.ROOT, format, "part", "figure", "value", "unit", "note");
        out.println("-".repeat(w0 + w1 + w2 + w3 + 12));
        String last = null;
        for (Row r : rows) {
            out.printf(Locale.ROOT, format, r.section.equals(last) ? "" : r.section, r.metric, r.value, r.unit, r.note);
            last = r.section;
        }
    }

    private int width(int column) {
        int w = new String[] {"part", "figure", "value", "unit"}[column].length();
        for (Row r : rows) {
            String cell = switch (column) {
                case 0 -> r.section;
                case 1 -> r.metric;
                case 2 -> r.value;
                default -> r.unit;
            };
            w = Math.max(w, cell.length());
        }
        return w;
    }
}
