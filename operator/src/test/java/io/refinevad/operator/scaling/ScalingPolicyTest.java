package io.refinevad.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.refinevad.operator.scaling.ScaleDecision.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScalingPolicyTest {

    private static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(300);
    /** 1..6 replicas, 4 streams each, a 300 s scale-down window. */
    private static final ScalingBounds BOUNDS = new ScalingBounds(1, 6, 4, WINDOW, null);

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private static PodLoad pod(String name, int activeStreams) {
        return new PodLoad(name, OptionalInt.of(activeStreams), false);
    }

    private static PodLoad draining(String name, int activeStreams) {
        return new PodLoad(name, OptionalInt.of(activeStreams), true);
    }

    private static PodLoad silent(String name) {
        return new PodLoad(name, OptionalInt.empty(), false);
    }

    /** Pods pod-0, pod-1, ... with these active streams. */
    private static List<PodLoad> pods(int... activeStreams) {
        return IntStream.range(0, activeStreams.length).mapToObj(i -> pod("pod-" + i, activeStreams[i])).toList();
    }

    @Nested
    class ScalingUp {

        @Test
        void aSurgeScalesUpAtOnceCappedAtMax() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 1);

            ScaleDecision decision = policy.decide(at(10), BOUNDS, 1, pods(40));

            assertThat(decision).isEqualTo(new ScaleDecision(6, Direction.UP,
                    "40 active streams / 4 per replica = 10 replicas, capped at maxReplicas 6 (was 1)"));
        }

        @Test
        void moreStreamsAtMaxChangeNothingAndSaySo() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 6);

            ScaleDecision decision = policy.decide(at(10), BOUNDS, 6, pods(30, 30));

            assertThat(decision).isEqualTo(new ScaleDecision(6, Direction.NONE,
                    "60 active streams / 4 per replica = 15 replicas, capped at maxReplicas 6"));
        }

        @Test
        void theReasonNamesStreamsTargetAndPreviousCount() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 2);

            ScaleDecision decision = policy.decide(at(10), BOUNDS, 2, pods(6, 6));

            assertThat(decision).isEqualTo(new ScaleDecision(3, Direction.UP,
                    "12 active streams / 4 per replica = 3 replicas (was 2)"));
        }

        @ParameterizedTest(name = "{0} streams -> {1} replicas")
        @CsvSource({"1, 1", "4, 1", "5, 2", "8, 2", "9, 3", "12, 3", "13, 4", "24, 6"})
        void replicasAreTheCeilingOfStreamsOverTarget(int streams, int replicas) {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 1);

            assertThat(policy.decide(at(10), BOUNDS, 1, pods(streams)).desiredReplicas()).isEqualTo(replicas);
        }

        @Test
        void raisingMinReplicasScalesUpAtOnce() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 1);
            ScalingBounds atLeastThree = new ScalingBounds(3, 6, 4, WINDOW, null);

            ScaleDecision decision = policy.decide(at(10), atLeastThree, 1, pods(2));

            assertThat(decision).isEqualTo(new ScaleDecision(3, Direction.UP,
                    "2 active streams / 4 per replica = 1 replica, raised to minReplicas 3 (was 1)"));
        }
    }

    @Nested
    class ScalingDown {

        @Test
        void aScaleDownIsHeldForTheWindowThenApplied() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 3);
            assertThat(policy.decide(T0, BOUNDS, 3, pods(6, 6, 0)).direction()).isEqualTo(Direction.NONE);

            ScaleDecision held = policy.decide(at(60), BOUNDS, 3, pods(2, 2, 0));
            ScaleDecision stillHeld = policy.decide(at(299), BOUNDS, 3, pods(2, 2, 0));
            ScaleDecision applied = policy.decide(at(300), BOUNDS, 3, pods(2, 2, 0));

            String heldReason = "4 active streams / 4 per replica = 1 replica; scale-down to 1 held until"
                    + " 2026-11-29T03:05:00Z by the 300 s stabilization window (max recommendation 3)";
            assertThat(held).isEqualTo(new ScaleDecision(3, Direction.NONE, heldReason));
            assertThat(stillHeld).isEqualTo(held);
            assertThat(applied).isEqualTo(new ScaleDecision(1, Direction.DOWN,
                    "4 active streams / 4 per replica = 1 replica (was 3)"));
        }

        @Test
        void aScaleDownStepsThroughTheWindowsHighestRecommendations() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 5);
            policy.decide(at(100), BOUNDS, 5, pods(6, 6, 0, 0, 0));

            ScaleDecision partly = policy.decide(at(300), BOUNDS, 5, pods(4, 0, 0, 0, 0));
            ScaleDecision fully = policy.decide(at(400), BOUNDS, 3, pods(4, 0, 0));

            assertThat(partly).isEqualTo(new ScaleDecision(3, Direction.DOWN, "4 active streams / 4 per replica"
                    + " = 1 replica, but the 300 s stabilization window keeps 3 (was 5)"));
            assertThat(fully).isEqualTo(new ScaleDecision(1, Direction.DOWN,
                    "4 active streams / 4 per replica = 1 replica (was 3)"));
        }

        @Test
        void minZeroScalesToZeroWithNoStreamsAfterTheWindow() {
            ScalingBounds scaleToZero = new ScalingBounds(0, 6, 4, WINDOW, null);
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 1);

            ScaleDecision held = policy.decide(at(10), scaleToZero, 1, pods(0));
            ScaleDecision applied = policy.decide(at(300), scaleToZero, 1, pods(0));
            ScaleDecision afterwards = policy.decide(at(310), scaleToZero, 0, List.of());

            assertThat(held.desiredReplicas()).isEqualTo(1);
            assertThat(held.direction()).isEqualTo(Direction.NONE);
            assertThat(applied).isEqualTo(new ScaleDecision(0, Direction.DOWN,
                    "0 active streams / 4 per replica = 0 replicas (was 1)"));
            assertThat(afterwards).isEqualTo(new ScaleDecision(0, Direction.NONE,
                    "0 active streams / 4 per replica = 0 replicas"));
        }

        @Test
        void noStreamsAtMinOneSaysTheMinimumHolds() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 1);

            assertThat(policy.decide(at(10), BOUNDS, 1, pods(0))).isEqualTo(new ScaleDecision(1, Direction.NONE,
                    "0 active streams / 4 per replica = 0 replicas, raised to minReplicas 1"));
        }

        @Test
        void loweringMaxReplicasBelowTheRunningCountAppliesAtOnce() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 6);
            ScalingBounds atMostTwo = new ScalingBounds(1, 2, 4, WINDOW, null);

            ScaleDecision decision = policy.decide(at(10), atMostTwo, 6, pods(4, 4, 4, 4, 4, 4));

            assertThat(decision).isEqualTo(new ScaleDecision(2, Direction.DOWN,
                    "24 active streams / 4 per replica = 6 replicas, capped at maxReplicas 2 (was 6)"));
        }

        @Test
        void aZeroWindowScalesDownAtOnce() {
            ScalingBounds noWindow = new ScalingBounds(1, 6, 4, Duration.ZERO, null);
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 3);

            assertThat(policy.decide(T0, noWindow, 3, pods(1, 0, 0))).isEqualTo(new ScaleDecision(1, Direction.DOWN,
                    "1 active stream / 4 per replica = 1 replica (was 3)"));
        }
    }

    @Nested
    class Flapping {

        @Test
        void streamsGoingUpAndDownWithinTheWindowScaleUpOnceAndNeverDown() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 1);
            List<Direction> directions = new ArrayList<>();
            int current = 1;
            for (int pass = 1; pass <= 20; pass++) {
                List<PodLoad> load = pass % 2 == 1 ? pods(8) : pods(2);
                ScaleDecision decision = policy.decide(at(pass * 30L), BOUNDS, current, load);
                directions.add(decision.direction());
                current = decision.desiredReplicas();
            }

            assertThat(current).isEqualTo(2);
            assertThat(directions.get(0)).isEqualTo(Direction.UP);
            assertThat(directions.subList(1, directions.size())).containsOnly(Direction.NONE);
        }

        @Test
        void onceTheStreamsStayLowForTheWindowItScalesDownOnce() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 2);
            for (int pass = 1; pass <= 10; pass++) {
                policy.decide(at(pass * 30L), BOUNDS, 2, pass % 2 == 1 ? pods(8) : pods(2));
            }
            // The last high recommendation was at 270 s: the window holds 2 replicas until 570 s.
            List<ScaleDecision> quiet = new ArrayList<>();
            int current = 2;
            for (long seconds = 300; seconds <= 900; seconds += 30) {
                ScaleDecision decision = policy.decide(at(seconds), BOUNDS, current, pods(2));
                quiet.add(decision);
                current = decision.desiredReplicas();
            }

            assertThat(quiet).filteredOn(d -> d.direction() != Direction.NONE).containsExactly(new ScaleDecision(1,
                    Direction.DOWN, "2 active streams / 4 per replica = 1 replica (was 2)"));
            assertThat(quiet.get(8).desiredReplicas()).as("at 540 s").isEqualTo(2);
            assertThat(quiet.get(9).direction()).as("at 570 s").isEqualTo(Direction.DOWN);
        }
    }

    @Nested
    class PodsThatDoNotAnswer {

        @Test
        void aSilentPodPreventsAnyScaleDown() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 3);

            ScaleDecision decision = policy.decide(at(600), BOUNDS, 3, List.of(pod("a", 1), pod("b", 0), silent("c")));

            assertThat(decision).isEqualTo(new ScaleDecision(3, Direction.NONE,
                    "1 of 3 pods did not answer its load report: not scaling down"));
        }

        @Test
        void theAnsweringPodsLoadStillScalesUp() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 3);

            ScaleDecision decision = policy.decide(at(10), BOUNDS, 3, List.of(pod("a", 8), pod("b", 8), silent("c")));

            assertThat(decision).isEqualTo(new ScaleDecision(5, Direction.UP, "20 active streams (4 estimated for"
                    + " 1 pod that did not answer) / 4 per replica = 5 replicas (was 3)"));
        }

        @Test
        void aSilentPodCountsItsLastAnswer() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 2);
            policy.decide(at(10), BOUNDS, 2, List.of(pod("a", 4), pod("b", 7)));

            ScaleDecision decision = policy.decide(at(20), BOUNDS, 3, List.of(pod("a", 4), silent("b"), pod("c", 6)));

            assertThat(decision).isEqualTo(new ScaleDecision(5, Direction.UP, "17 active streams (7 estimated for"
                    + " 1 pod that did not answer) / 4 per replica = 5 replicas (was 3)"));
        }

        @Test
        void aPodThatLeftTheListIsForgotten() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 2);
            policy.decide(at(10), BOUNDS, 2, List.of(pod("a", 4), pod("b", 7)));
            policy.decide(at(20), BOUNDS, 2, List.of(pod("a", 4)));
            assertThat(policy.podsRemembered()).isEqualTo(1);

            ScaleDecision decision = policy.decide(at(30), BOUNDS, 2, List.of(pod("a", 4), silent("b")));

            assertThat(decision.reason()).startsWith("8 active streams (4 estimated for 1 pod");
        }

        @Test
        void theWindowRestartsFromTheLastPassWithMissingData() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 3);
            policy.decide(at(600), BOUNDS, 3, List.of(pod("a", 0), pod("b", 0), silent("c")));

            ScaleDecision answeredAgain = policy.decide(at(610), BOUNDS, 3, pods(0, 0, 0));
            ScaleDecision windowOver = policy.decide(at(900), BOUNDS, 3, pods(0, 0, 0));

            assertThat(answeredAgain.direction()).isEqualTo(Direction.NONE);
            assertThat(answeredAgain.reason()).contains("held until 2026-11-29T03:15:00Z");
            assertThat(windowOver.desiredReplicas()).isEqualTo(1);
            assertThat(windowOver.direction()).isEqualTo(Direction.DOWN);
        }

        @Test
        void severalSilentPodsAreNamedInThePlural() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 3);

            assertThat(policy.decide(at(600), BOUNDS, 3, List.of(pod("a", 0), silent("b"), silent("c"))).reason())
                    .isEqualTo("2 of 3 pods did not answer their load reports: not scaling down");
        }
    }

    @Test
    void drainingPodsStreamsStillCount() {
        ScalingPolicy policy = ScalingPolicy.startingAt(T0, 2);

        ScaleDecision decision = policy.decide(at(10), BOUNDS, 2, List.of(draining("a", 6), pod("b", 6)));

        assertThat(decision).isEqualTo(new ScaleDecision(3, Direction.UP,
                "12 active streams (6 on draining pods) / 4 per replica = 3 replicas (was 2)"));
    }

    @Nested
    class FixedReplicas {

        @Test
        void aPinnedCountWinsOverStreamsAndBounds() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 2);
            ScalingBounds pinnedAtNine = new ScalingBounds(1, 6, 4, WINDOW, 9);

            assertThat(policy.decide(at(10), pinnedAtNine, 2, pods(0, 0))).isEqualTo(new ScaleDecision(9,
                    Direction.UP, "9 replicas fixed by spec.replicas / the scale subresource (was 2)"));
            assertThat(policy.decide(at(20), pinnedAtNine, 9, pods(0, 0))).isEqualTo(new ScaleDecision(9,
                    Direction.NONE, "9 replicas fixed by spec.replicas / the scale subresource"));
        }

        @Test
        void pinningLowerAppliesAtOnceWithoutTheWindow() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 4);
            ScalingBounds pinnedAtZero = new ScalingBounds(1, 6, 4, WINDOW, 0);

            assertThat(policy.decide(at(10), pinnedAtZero, 4, pods(16))).isEqualTo(new ScaleDecision(0,
                    Direction.DOWN, "0 replicas fixed by spec.replicas / the scale subresource (was 4)"));
        }

        @Test
        void liftingThePinScalesOnTheStreamsSeenWhilePinned() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 2);
            ScalingBounds pinnedAtFive = new ScalingBounds(1, 6, 4, WINDOW, 5);
            policy.decide(at(200), pinnedAtFive, 2, pods(8, 0));
            policy.decide(at(400), pinnedAtFive, 5, pods(4, 0, 0, 0, 0));

            ScaleDecision lifted = policy.decide(at(410), BOUNDS, 5, pods(4, 0, 0, 0, 0));
            ScaleDecision later = policy.decide(at(700), BOUNDS, 2, pods(4, 0));

            assertThat(lifted).isEqualTo(new ScaleDecision(2, Direction.DOWN, "4 active streams / 4 per replica"
                    + " = 1 replica, but the 300 s stabilization window keeps 2 (was 5)"));
            assertThat(later.desiredReplicas()).isEqualTo(1);
        }
    }

    @Nested
    class HistoryPruning {

        @Test
        void theHistoryNeverHoldsMoreEntriesThanDistinctRecommendations() {
            ScalingBounds oneDayWindow = new ScalingBounds(1, 6, 4, Duration.ofDays(1), null);
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 1);
            int mostKept = 0;
            for (int pass = 0; pass < 10_000; pass++) {
                int replicas = 6 - pass % 6;
                policy.decide(at(pass), oneDayWindow, 6, pods(replicas * 4));
                mostKept = Math.max(mostKept, policy.recommendationsKept());
            }

            assertThat(mostKept).isEqualTo(6);
        }

        @Test
        void recommendationsOlderThanTheWindowAreDropped() {
            ScalingPolicy policy = ScalingPolicy.startingAt(T0, 6);
            policy.decide(at(10), BOUNDS, 6, pods(20));
            policy.decide(at(20), BOUNDS, 6, pods(12));
            policy.decide(at(30), BOUNDS, 6, pods(4));
            assertThat(policy.recommendationsKept()).isEqualTo(4);

            policy.decide(at(315), BOUNDS, 6, pods(4));

            assertThat(policy.recommendationsKept()).isEqualTo(2);
            assertThat(policy.decide(at(330), BOUNDS, 6, pods(4)).desiredReplicas()).isEqualTo(1);
            assertThat(policy.recommendationsKept()).isEqualTo(1);
        }
    }

    @Test
    void inconsistentBoundsAreRefused() {
        assertThatThrownBy(() -> new ScalingBounds(3, 2, 4, WINDOW, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minReplicas <= maxReplicas");
        assertThatThrownBy(() -> new ScalingBounds(1, 2, 0, WINDOW, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targetStreamsPerReplica");
    }
}
