package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.refinevad.api.v1.AdminGrpc;
import io.refinevad.api.v1.DrainRequest;
import io.refinevad.api.v1.GetLoadReportRequest;
import io.refinevad.api.v1.LoadReport;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.StreamResponse;
import io.refinevad.api.v1.UndrainRequest;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The admin plane (refinevad.v1.Admin) on its own port (9003 in tests): it answers there and only there, the
 * Scoring RPCs that moved to it say where they went, and a drain can be undone.
 */
@QuarkusTest
class AdminPlaneTest {
    private static final int DIM = 512;

    @GrpcClient("scoring")
    Channel scoring;

    @GrpcClient("admin")
    Channel admin;

    /** Other tests share this server: never leave it draining. */
    @AfterEach
    void undrain() {
        AdminGrpc.newBlockingStub(admin).undrain(UndrainRequest.getDefaultInstance());
    }

    @Test
    void theAdminPortAnswersTheLoadReport() {
        LoadReport report = load();
        assertEquals(64, report.getStreamCapacity());
        assertFalse(report.getDraining());
    }

    @Test
    void theScoringPortAnswersTheMovedRpcsWithWhereTheyWent() {
        ScoringGrpc.ScoringBlockingStub old = ScoringGrpc.newBlockingStub(scoring);
        assertMoved("GetLoadReport", () -> old.getLoadReport(GetLoadReportRequest.getDefaultInstance()));
        assertMoved("Drain", () -> old.drain(DrainRequest.getDefaultInstance()));
        assertFalse(load().getDraining(), "the old Drain drains nothing");
    }

    @Test
    void theScoringPortDoesNotServeTheAdminService() {
        AdminGrpc.AdminBlockingStub wrongPort = AdminGrpc.newBlockingStub(scoring);
        for (Executable call : new Executable[]{
                () -> wrongPort.getLoadReport(GetLoadReportRequest.getDefaultInstance()),
                () -> wrongPort.drain(DrainRequest.getDefaultInstance()),
                () -> wrongPort.undrain(UndrainRequest.getDefaultInstance())}) {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call);
            assertEquals(Status.Code.UNIMPLEMENTED, refused.getStatus().getCode());
        }
        assertFalse(load().getDraining());
        assertEquals(ServingStatus.SERVING, health());
    }

    @Test
    void anUndrainedServerServesAgainAndAcceptsNewStreams() throws Exception {
        float[] clip = GoldenVectors.read("stream_x").values();
        RecordingStream before = new RecordingStream(ScoringGrpc.newStub(scoring)).open("before")
                .send(clip, DIM, 0, 5);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> load().getActiveStreams() == 1);
        AdminGrpc.AdminBlockingStub adminStub = AdminGrpc.newBlockingStub(admin);
        adminStub.drain(DrainRequest.getDefaultInstance());
        assertEquals(ServingStatus.NOT_SERVING, health());
        assertEquals(Status.Code.OK, before.await().getCode());
        assertTrue(before.responses.stream().anyMatch(StreamResponse::hasDraining), "handed back by the drain");
        assertEquals(Status.Code.UNAVAILABLE,
                new RecordingStream(ScoringGrpc.newStub(scoring)).open("refused").await().getCode());

        assertTrue(adminStub.undrain(UndrainRequest.getDefaultInstance()).getWasDraining());
        assertEquals(ServingStatus.SERVING, health());
        assertFalse(load().getDraining());
        RecordingStream after = new RecordingStream(ScoringGrpc.newStub(scoring)).open("after")
                .send(clip, DIM, 0, 5).finish();
        assertEquals(Status.Code.OK, after.await().getCode());
        assertEquals(5, after.scores().size());
        assertFalse(adminStub.undrain(UndrainRequest.getDefaultInstance()).getWasDraining(),
                "a second undrain finds nothing to undo");
    }

    private static void assertMoved(String method, Executable call) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.UNIMPLEMENTED, refused.getStatus().getCode());
        assertEquals("refinevad.v1.Scoring/" + method + " has moved to refinevad.v1.Admin/" + method
                + " on the admin port 9003 (refinevad.admin.port), which only the operator reaches",
                refused.getStatus().getDescription());
    }

    private LoadReport load() {
        return AdminGrpc.newBlockingStub(admin).getLoadReport(GetLoadReportRequest.getDefaultInstance());
    }

    private ServingStatus health() {
        return HealthGrpc.newBlockingStub(scoring).check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }
}
