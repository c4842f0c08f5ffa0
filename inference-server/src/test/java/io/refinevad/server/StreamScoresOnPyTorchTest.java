package io.refinevad.server;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/** Every streaming test again, with the server on the TorchScript model in DJL's PyTorch engine. */
@QuarkusTest
@TestProfile(StreamScoresOnPyTorchTest.PyTorchEngine.class)
class StreamScoresOnPyTorchTest extends StreamScoresRpcTest {

    public static class PyTorchEngine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("refinevad.engine", "PyTorch");
        }
    }
}
