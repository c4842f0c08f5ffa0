package io.refinevad.server.engine;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.refinevad.server.model.ModelBundle;
import java.io.IOException;
import java.nio.FloatBuffer;

/**
 * model.pt (TorchScript) on DJL's PyTorch engine, for nodes where ONNX Runtime is not wanted. DJL runs offline:
 * libtorch comes from the pytorch-native-cpu jar, never from the network.
 */
public final class PyTorchEngine implements InferenceEngine {
    public static final String MODEL_FILE = "model.pt";

    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final int categories;

    /**
     * @param threads intra-op threads; 0 means one per CPU this process may use (EngineThreads; DJL's own default is
     *     a single thread)
     */
    public PyTorchEngine(ModelBundle bundle, int threads) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // refinevad.engine.threads is the one setting, so what the server reports is what libtorch runs with. DJL
        // reads the property once, when its PyTorch engine first loads in this JVM.
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(EngineThreads.resolve(threads)));
        this.categories = bundle.manifest().categories().size();
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(bundle.verifiedFile(MODEL_FILE))
                .optEngine("PyTorch")
                .optTranslator(new NoopTranslator())
                .build();
        try {
            this.model = criteria.loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("the PyTorch engine cannot load " + bundle.directory().resolve(MODEL_FILE)
                    + ": " + e.getMessage(), e);
        }
        this.predictor = model.newPredictor();
    }

    @Override
    public String name() {
        return "PyTorch";
    }

    @Override
    public String platform() {
        return "pytorch_libtorch";
    }

    @Override
    public String modelFile() {
        return MODEL_FILE;
    }

    /** One predictor, one caller at a time: the batcher's single worker is the only caller in the server. */
    @Override
    public synchronized EngineOutput run(EngineInput input) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.create(FloatBuffer.wrap(input.features()),
                    new Shape(input.batch(), input.time(), input.featureDim()));
            NDArray mask = manager.create(FloatBuffer.wrap(input.mask()), new Shape(input.batch(), input.time()));
            NDList out = predictor.predict(new NDList(x, mask));
            return new EngineOutput(input.batch(), input.time(), categories, out.get(0).toFloatArray(),
                    out.get(1).toFloatArray());
        } catch (TranslateException e) {
            throw new IllegalStateException("the PyTorch engine failed on a batch of " + input.batch() + " x "
                    + input.time() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }
}
