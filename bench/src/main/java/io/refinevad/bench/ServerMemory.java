package io.refinevad.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of a server process on this machine: its resident set from /proc, and, through the JDK's {@code jcmd},
 * its heap after a full collection. RSS alone cannot tell a leak from heap that G1 has committed and keeps until its
 * next full collection; the live heap and the RSS right after a full collection can.
 */
final class ServerMemory {
    /** {@code GC.heap_info}'s first line: "garbage-first heap   total 262144K, used 35000K [...". */
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    private static final long UNCOMMIT_MILLIS = 10_000;

    /** What a full collection left: the live heap and the resident set right after it. */
    record AfterFullCollection(long liveHeapMiB, long rssMiB) {
        @Override
        public String toString() {
            return "live heap " + liveHeapMiB + " MiB, RSS " + rssMiB + " MiB";
        }
    }

    private final long pid;

    ServerMemory(long pid) {
        this.pid = pid;
    }

    /** The process's resident memory in MiB. */
    long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the memory of process " + pid, e);
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    /**
     * Runs a full collection in the server ({@code jcmd GC.run}, i.e. System.gc(): G1 then also gives back committed
     * heap beyond MaxHeapFreeRatio) and reads what is left. G1 uncommits in the background since JDK 16, seconds
     * after the collection returns, so the RSS is the lowest seen over the next {@link #UNCOMMIT_MILLIS}.
     */
    AfterFullCollection collectFully() {
        jcmd("GC.run");
        Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("jcmd GC.heap_info of process " + pid + " gave no heap usage");
        }
        long rss = rssMiB();
        try {
            for (long waited = 0; waited < UNCOMMIT_MILLIS; waited += 500) {
                Thread.sleep(500);
                rss = Math.min(rss, rssMiB());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the heap to be uncommitted", e);
        }
        return new AfterFullCollection(Long.parseLong(used.group(1)) / 1024, rss);
    }

    private String jcmd(String command) {
        try {
            Process jcmd = new ProcessBuilder(List.of(JCMD.toString(), String.valueOf(pid), command))
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + JCMD, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd " + command, e);
        }
    }
}
