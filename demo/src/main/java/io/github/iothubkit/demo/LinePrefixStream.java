package io.github.iothubkit.demo;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Prefixes every line written through it ({@code [device] }, {@code [service] }) so that two apps can
 * share one console readably. Complete lines of one write go out together under the target's lock, so
 * a block printed in one call (a whole received message) is not split by the other app's lines.
 */
final class LinePrefixStream extends OutputStream {

    private final PrintStream target;
    private final byte[] prefix;
    /** For empty lines: no trailing blanks. */
    private final byte[] bare;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private LinePrefixStream(PrintStream target, String prefix) {
        this.target = target;
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.bare = prefix.stripTrailing().getBytes(StandardCharsets.UTF_8);
    }

    static PrintStream wrap(PrintStream target, String prefix) {
        return new PrintStream(new LinePrefixStream(target, prefix), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        synchronized (target) {
            for (int i = offset; i < offset + length; i++) {
                pending.write(bytes[i]);
                if (bytes[i] == '\n') {
                    byte[] head = pending.size() <= 2 && isBlankLine() ? bare : prefix;
                    target.write(head, 0, head.length);
                    target.write(pending.toByteArray(), 0, pending.size());
                    pending.reset();
                }
            }
            target.flush();
        }
    }

    private boolean isBlankLine() {
        String line = pending.toString(StandardCharsets.UTF_8);
        return line.equals("\n") || line.equals("\r\n");
    }
}
