package io.refinevad.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.refinevad.api.v1.Features;
import io.refinevad.api.v1.Segments;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SegmentLogTest {
    private static final int DIM = 3;

    private final AtomicLong kept = new AtomicLong();
    private final SegmentLog log = new SegmentLog(kept);

    @Test
    void keepsConsecutiveRowsAndGivesThemBackInMessagesOfBoundedSize() {
        log.append(segments(10, 4));
        log.append(segments(14, 3));
        assertEquals(7, kept.get());
        assertEquals(17, log.end());

        List<Segments> replay = log.from(11, 4);
        assertEquals(2, replay.size());
        assertEquals(11, replay.get(0).getFirstSequence());
        assertEquals(4, replay.get(0).getFeatures().getSegments());
        assertEquals(15, replay.get(1).getFirstSequence());
        assertEquals(2, replay.get(1).getFeatures().getSegments());
        assertEquals(rows(11, 4), replay.get(0).getFeatures().getData());
        assertEquals(rows(15, 2), replay.get(1).getFeatures().getData());
    }

    @Test
    void forgettingAnsweredRowsFreesThemFromTheGatewaysCount() {
        log.append(segments(0, 5));
        log.forgetBefore(3);
        assertEquals(3, log.first());
        assertEquals(2, kept.get());
        log.clear();
        assertTrue(log.isEmpty());
        assertEquals(0, kept.get());
    }

    @Test
    void keepsNothingAPodWouldRefuse() {
        log.append(segments(0, 2));
        log.append(segments(5, 1));  // a gap
        log.append(Segments.newBuilder().setFirstSequence(2).setFeatures(Features.newBuilder().setSegments(2)
                .setFeatureDim(DIM).setData(rows(2, 1))).build());  // data for one row, two announced
        log.append(Segments.newBuilder().setFirstSequence(2).setFeatures(Features.newBuilder().setSegments(1)
                .setFeatureDim(DIM + 1).setData(ByteString.copyFrom(new byte[(DIM + 1) * 4]))).build());  // other D
        assertEquals(2, log.end());
        assertEquals(2, kept.get());
    }

    private static Segments segments(long first, int count) {
        return Segments.newBuilder().setFirstSequence(first).setFeatures(Features.newBuilder().setSegments(count)
                .setFeatureDim(DIM).setData(rows(first, count))).build();
    }

    /** Row t holds t, t + 0.25, t + 0.5: each row tells which it is. */
    private static ByteString rows(long first, int count) {
        ByteBuffer buffer = ByteBuffer.allocate(count * DIM * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (long t = first; t < first + count; t++) {
            for (int f = 0; f < DIM; f++) {
                buffer.putFloat(t + f * 0.25f);
            }
        }
        return ByteString.copyFrom(buffer.array());
    }
}
