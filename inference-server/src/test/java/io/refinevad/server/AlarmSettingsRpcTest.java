package io.refinevad.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Channel;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.refinevad.api.v1.AlarmSettings;
import io.refinevad.api.v1.GetModelInfoRequest;
import io.refinevad.api.v1.ScoringGrpc;
import io.refinevad.api.v1.SettingSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A deployment's alarm threshold (refinevad.alarm.threshold, which the operator writes from the detector's
 * model.alarmThreshold) reaches clients through GetModelInfo and StreamOpened over a real gRPC channel, in place of
 * the embedded default model's calibrated one, which keeps its category confidence.
 */
@QuarkusTest
@TestProfile(AlarmSettingsRpcTest.DeploymentThreshold.class)
class AlarmSettingsRpcTest {

    public static class DeploymentThreshold implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.alarm.threshold", "0.85");
        }
    }

    @GrpcClient("scoring")
    Channel channel;

    @Test
    void theDeploymentsThresholdIsToldInModelInfoAndStreamOpened() throws Exception {
        AlarmSettings told = ScoringGrpc.newBlockingStub(channel).getModelInfo(GetModelInfoRequest.getDefaultInstance())
                .getAlarms();
        assertEquals(0.85f, told.getThreshold());
        assertEquals(SettingSource.SETTING_SOURCE_DETECTOR, told.getThresholdSource());
        assertEquals(DefaultModelManifest.alarms().getCategoryConfidenceSource(), told.getCategoryConfidenceSource());
        assertEquals(DefaultModelManifest.alarms().getCategoryConfidence(), told.getCategoryConfidence());

        RecordingStream stream = new RecordingStream(ScoringGrpc.newStub(channel)).open("override-camera");
        assertEquals(Status.Code.OK, stream.finish().await().getCode());
        assertEquals(told, stream.responses.get(0).getOpened().getAlarms());
    }
}
