package io.refinevad.server.oip;

import com.google.protobuf.ByteString;
import io.refinevad.api.Float32Bytes;
import io.refinevad.api.oip.ModelInferRequest;
import io.refinevad.server.errors.GrpcErrors;
import java.util.Arrays;

/**
 * Reads Open Inference Protocol FP32 tensors, raw (little-endian bytes) or as fp32_contents, as Triton does: one or
 * the other for every input, never both for one. What the values may be is for the caller to check.
 */
final class InferTensors {
    private InferTensors() {
    }

    static float[] read(ModelInferRequest request, int index, long[] expectedShape) {
        ModelInferRequest.InferInputTensor input = request.getInputs(index);
        String name = input.getName();
        if (!input.getDatatype().equals("FP32")) {
            throw GrpcErrors.invalidArgument("input '" + name + "' has datatype " + input.getDatatype()
                    + "; this model takes FP32");
        }
        long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
        if (!Arrays.equals(shape, expectedShape)) {
            throw GrpcErrors.invalidArgument("input '" + name + "' has shape " + Arrays.toString(shape) + "; expected "
                    + Arrays.toString(expectedShape));
        }
        int count = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        float[] values;
        if (request.getRawInputContentsCount() > 0) {
            if (input.hasContents()) {
                throw GrpcErrors.invalidArgument("input '" + name + "' has both contents and raw_input_contents; "
                        + "contents must not be given when raw_input_contents is used");
            }
            if (request.getRawInputContentsCount() != request.getInputsCount()) {
                throw GrpcErrors.invalidArgument("raw_input_contents has " + request.getRawInputContentsCount()
                        + " entries for " + request.getInputsCount() + " inputs; give one per input, in order");
            }
            ByteString raw = request.getRawInputContents(index);
            if (raw.size() != 4L * count) {
                throw GrpcErrors.invalidArgument("raw_input_contents[" + index + "] ('" + name + "') has " + raw.size()
                        + " bytes; shape " + Arrays.toString(shape) + " of FP32 needs " + 4L * count);
            }
            values = Float32Bytes.unpack(raw);
        } else {
            if (input.getContents().getFp32ContentsCount() != count) {
                throw GrpcErrors.invalidArgument("input '" + name + "' has "
                        + input.getContents().getFp32ContentsCount()
                        + " fp32_contents; shape " + Arrays.toString(shape) + " needs " + count);
            }
            values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = input.getContents().getFp32Contents(i);
            }
        }
        return values;
    }
}
