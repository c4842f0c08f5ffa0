package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
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
@ValidationRule(value = "!self.uri.startsWith('http://') || (has(self.allowHttp) && self.allowHttp)",
        message = "model.uri is a plain http:// URL, which anyone on the network path can read or replace: use an"
                + " https:// URL, or set model.allowHttp: true to fetch this one over http anyway")
@ValidationRule(value = "!has(self.alarmThreshold) || (self.alarmThreshold > 0.0 && self.alarmThreshold <= 1.0)",
        message = "model.alarmThreshold must be in (0, 1]: a segment whose score is at or above it is anomalous;"
                + " leave it unset to use the model's calibrated threshold")
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

    @JsonPropertyDescription("fetch an http:// model.uri in the clear (and follow redirects to http); without it only"
            + " https:// is fetched, redirects included")
    @Default("false")
    private boolean allowHttp;

    @JsonPropertyDescription("largest model archive, and largest total it may unpack to, in MiB: a larger download"
            + " or archive stops the pod with ModelTooLarge")
    @Default("1024")
    @Min(1)
    @Max(65536)
    private int sizeLimitMiB = 1024;

    @JsonPropertyDescription("alarm threshold this detector's pods tell their clients, in (0, 1]: a segment whose"
            + " score is at or above it is anomalous; unset: the threshold calibrated in the model's manifest, else"
            + " 0.5")
    private Double alarmThreshold;

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

    public boolean isAllowHttp() {
        return allowHttp;
    }

    public void setAllowHttp(boolean allowHttp) {
        this.allowHttp = allowHttp;
    }

    public int getSizeLimitMiB() {
        return sizeLimitMiB;
    }

    public void setSizeLimitMiB(int sizeLimitMiB) {
        this.sizeLimitMiB = sizeLimitMiB;
    }

    public Double getAlarmThreshold() {
        return alarmThreshold;
    }

    public void setAlarmThreshold(Double alarmThreshold) {
        this.alarmThreshold = alarmThreshold;
    }

    @JsonIgnore
    public boolean isBuiltin() {
        return "builtin:default".equals(uri);
    }
}
