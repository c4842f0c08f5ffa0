package io.refinevad.server.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The part of an export's manifest.json (written by python3 -m refinevad.export) that serving needs. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        String name,
        String version,
        @JsonProperty("feature_dim") int featureDim,
        int window,
        @JsonProperty("frames_per_segment") int framesPerSegment,
        List<String> categories,
        Map<String, ModelFile> files) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelFile(String sha256, long bytes) {
    }
}
