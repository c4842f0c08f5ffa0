package io.refinevad.server;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Every record logged in this JVM while it runs, as the server's log handlers see them. */
final class LogCapture extends Handler {
    final List<LogRecord> records = new CopyOnWriteArrayList<>();

    static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    void stop() {
        Logger.getLogger("").removeHandler(this);
    }

    /** Records at WARNING or above, or with a stack trace: what a client's behaviour must not cause. */
    List<LogRecord> loud() {
        return records.stream()
                .filter(r -> r.getThrown() != null || r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }

    /** Records whose message or parameters contain `text`, however the logger formats them. */
    List<LogRecord> mentioning(String text) {
        return records.stream().filter(r -> String.valueOf(r.getMessage()).contains(text)
                || Arrays.toString(r.getParameters()).contains(text)).toList();
    }

    static String describe(List<LogRecord> records) {
        return records.isEmpty() ? "nothing" : records.get(0).getLevel() + " " + records.get(0).getLoggerName() + " "
                + records.get(0).getMessage() + " " + records.get(0).getThrown() + " (and " + (records.size() - 1)
                + " more)";
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
