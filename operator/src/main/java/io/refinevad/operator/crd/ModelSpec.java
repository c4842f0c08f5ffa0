package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Which model the pods serve. Its categories come from the model's manifest. */
@ValidationRule(value = "self.uri == 'builtin:default' || self.uri.startsWith('http://')"
        + " || self.uri.startsWith('https://') || self.uri.startsWith('pvc://')",
        message = "model.uri must be builtin:default, an http(s):// URL of a model archive, or"
                + " pvc://<claim>/<path to the archive>")
@ValidationRule(value = "self.uri == 'builtin:default' || has(self.sha256)",
        message = "model.sha256 is required for a model fetched from a URL or a volume: the sha256 of the model"
                + " archive (sha256sum model.tar.gz)")
@ValidationRule(value = "!has(self.sha256) || self.sha256.matches('^[0-9a-f]{64}$')",
        message = "model.sha256 must be 64 lowercase hexadecimal digits, as sha256sum prints it")
public class ModelSpec {

    /** Spelled as users write them in YAML. */
    public enum Format { onnx, torchscript }

    @Required
    @Size(min = 1, max = 2048)
    @JsonPropertyDescription("builtin:default (the model inside the server image), an http(s):// URL of a model"
            + " archive (.tar.gz of an export folder with manifest.json), or pvc://<claim>/<path>")
    private String uri;

    @JsonPropertyDescription("sha256 of the model archive; the pods refuse to start on a mismatch")
    @Size(max = 64)
    private String sha256;

    @Default("onnx")
    private Format format = Format.onnx;

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getSha256() {
        return sha256;
    }

    public void setSha256(String sha256) {
        this.sha256 = sha256;
    }

    public Format getFormat() {
        return format;
    }

    public void setFormat(Format format) {
        this.format = format;
    }

    @JsonIgnore
    public boolean isBuiltin() {
        return "builtin:default".equals(uri);
    }
}
