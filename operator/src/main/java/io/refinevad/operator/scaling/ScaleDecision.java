package io.refinevad.operator.scaling;

/** The replica count one pass decided on, which way it moves the detector, and why, in words for events and status. */
public record ScaleDecision(int desiredReplicas, Direction direction, String reason) {

    public enum Direction { UP, DOWN, NONE }

    /** A decision whose direction compares the desired count with the running one; a change names what it replaces. */
    static ScaleDecision relativeTo(int currentReplicas, int desiredReplicas, String reason) {
        Direction direction = desiredReplicas > currentReplicas ? Direction.UP
                : desiredReplicas < currentReplicas ? Direction.DOWN : Direction.NONE;
        return new ScaleDecision(desiredReplicas, direction,
                direction == Direction.NONE ? reason : reason + " (was " + currentReplicas + ")");
    }
}
