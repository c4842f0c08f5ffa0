package io.refinevad.operator.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.UndrainRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Tells a scoring pod to end its drain (Admin.Undrain on its admin port), with a short deadline. */
public class PodUndrainer {

    /** How an Undrain ended. */
    public enum Outcome {
        /** The pod serves again and accepts new streams. */
        UNDRAINED,
        /** The pod refused: it is shutting down (SIGTERM), so it leaves anyway and nothing is to be undone. */
        SHUTTING_DOWN,
        /** The pod could not be asked or did not comply: it stays drained unless it is replaced. */
        FAILED
    }

    /** The outcome, and for a failure what went wrong (the gRPC status). */
    public record Result(Outcome outcome, String detail) {
    }

    private final int port;
    private final Duration deadline;

    public PodUndrainer(int port, Duration deadline) {
        this.port = port;
        this.deadline = deadline;
    }

    public Result undrain(Pod pod) {
        Optional<ManagedChannel> channel = AdminChannels.open(pod, port);
        if (channel.isEmpty()) {
            return new Result(Outcome.FAILED, "the pod has no address");
        }
        try {
            AdminGrpc.newBlockingStub(channel.get()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .undrain(UndrainRequest.getDefaultInstance());
            return new Result(Outcome.UNDRAINED, "");
        } catch (StatusRuntimeException e) {
            Outcome outcome = e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
                    ? Outcome.SHUTTING_DOWN : Outcome.FAILED;
            return new Result(outcome, e.getStatus().toString());
        } finally {
            channel.get().shutdownNow();
        }
    }
}
