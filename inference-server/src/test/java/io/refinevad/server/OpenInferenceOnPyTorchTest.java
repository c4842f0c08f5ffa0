package io.refinevad.server;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Every Open Inference Protocol test again, with the server on the TorchScript model in DJL's PyTorch engine. */
@QuarkusTest
@TestProfile(StreamScoresOnPyTorchTest.PyTorchEngine.class)
class OpenInferenceOnPyTorchTest extends OpenInferenceProtocolTest {

    @Override
    protected String platform() {
        return "pytorch_libtorch";
    }
}
