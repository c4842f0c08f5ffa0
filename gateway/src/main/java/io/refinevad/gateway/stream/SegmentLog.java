package io.refinevad.gateway.stream;

import com.google.protobuf.ByteString;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.Segments;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream's kept segments, one row each, consecutive: the last W - 1 answered (a new pod needs them to rebuild
 * the window) and those awaiting their answers (a new pod must score them). Not thread-safe: its stream guards it.
 * Every row kept or forgotten moves {@code keptTotal}, the gateway's count over all streams.
 */
final class SegmentLog {
    private final ArrayDeque<ByteString> rows = new ArrayDeque<>();
    private final AtomicLong keptTotal;
    private long first;
    private int featureDim;

    SegmentLog(AtomicLong keptTotal) {
        this.keptTotal = keptTotal;
    }

    /**
     * Keeps the message's rows when it is well formed and follows the last kept row (the pod checks both and ends a
     * stream that breaks them; the gateway only needs to keep what a pod would accept).
     */
    void append(Segments segments) {
        Features features = segments.getFeatures();
        long count = Integer.toUnsignedLong(features.getSegments());
        int dim = features.getFeatureDim();
        long rowBytes = Integer.toUnsignedLong(dim) * Float.BYTES;
        boolean wellFormed = count > 0 && dim > 0 && features.getData().size() == count * rowBytes
                && (rows.isEmpty() || (dim == featureDim && segments.getFirstSequence() == end()));
        if (!wellFormed) {
            return;
        }
        if (rows.isEmpty()) {
            first = segments.getFirstSequence();
            featureDim = dim;
        }
        for (int row = 0; row < count; row++) {
            rows.add(features.getData().substring((int) (row * rowBytes), (int) ((row + 1) * rowBytes)));
        }
        keptTotal.addAndGet(count);
    }

    /** The sequence after the last kept row (where the next message must start). */
    long end() {
        return first + rows.size();
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The first kept sequence; meaningless when empty. */
    long first() {
        return first;
    }

    /** Forgets the rows before {@code sequence}. */
    void forgetBefore(long sequence) {
        int forgotten = 0;
        while (!rows.isEmpty() && first < sequence) {
            rows.removeFirst();
            first++;
            forgotten++;
        }
        keptTotal.addAndGet(-forgotten);
    }

    void clear() {
        forgetBefore(end());
    }

    /** The kept rows from {@code sequence} on, as messages of at most {@code maxRows} rows. */
    List<Segments> from(long sequence, int maxRows) {
        List<Segments> messages = new ArrayList<>();
        Iterator<ByteString> row = rows.iterator();
        for (long skipped = first; skipped < sequence && row.hasNext(); skipped++) {
            row.next();
        }
        long next = Math.max(sequence, first);
        while (row.hasNext()) {
            ByteString data = ByteString.EMPTY;
            int count = 0;
            while (row.hasNext() && count < maxRows) {
                data = data.concat(row.next());
                count++;
            }
            messages.add(Segments.newBuilder().setFirstSequence(next).setFeatures(Features.newBuilder()
                    .setSegments(count).setFeatureDim(featureDim).setData(data)).build());
            next += count;
        }
        return messages;
    }
}
