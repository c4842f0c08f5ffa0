package io.refinevad.server.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The part of an export's manifest.json (written by python3 -m refinevad.export) that serving needs. threshold,
 * category_confidence and category_calibration are the model's calibrations (docs/MODEL.md): absent from models
 * exported before them, and category_confidence is null when its calibration found no confidence good enough.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        String name,
        String version,
        @JsonProperty("feature_dim") int featureDim,
        int window,
        @JsonProperty("frames_per_segment") int framesPerSegment,
        List<String> categories,
        Map<String, ModelFile> files,
        Double threshold,
        @JsonProperty("category_confidence") Double categoryConfidence,
        @JsonProperty("category_calibration") Calibration categoryCalibration) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelFile(String sha256, long bytes) {
    }

    /** Where a calibration came from; its other details are for people reading the manifest. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Calibration(String source) {
    }

    /** The same manifest with another streaming window. */
    public ModelManifest withWindow(int otherWindow) {
        return new ModelManifest(name, version, featureDim, otherWindow, framesPerSegment, categories, files,
                threshold, categoryConfidence, categoryCalibration);
    }
}
