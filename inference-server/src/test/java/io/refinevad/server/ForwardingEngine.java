package io.refinevad.server;

import io.refinevad.server.engine.EngineInput;
import io.refinevad.server.engine.EngineOutput;
import io.refinevad.server.engine.InferenceEngine;

/**
 * An engine that hands every call to another one, for tests that change one behaviour of a real engine (record its
 * calls, throw once) and override only that. Closing it leaves the wrapped engine open: the test that opened the
 * real engine closes it, once, after every test that wraps it.
 */
abstract class ForwardingEngine implements InferenceEngine {
    private final InferenceEngine wrapped;

    ForwardingEngine(InferenceEngine wrapped) {
        this.wrapped = wrapped;
    }

    @Override
    public String name() {
        return wrapped.name();
    }

    @Override
    public String platform() {
        return wrapped.platform();
    }

    @Override
    public String modelFile() {
        return wrapped.modelFile();
    }

    @Override
    public EngineOutput run(EngineInput input) {
        return wrapped.run(input);
    }

    @Override
    public void releaseCachedMemory() {
        wrapped.releaseCachedMemory();
    }

    @Override
    public void close() {
    }
}
