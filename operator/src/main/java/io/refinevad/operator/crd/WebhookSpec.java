package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * An HTTP receiver of the detector's anomaly events (CloudEvents 1.0, binary mode), posted to by every scoring pod.
 * The URL rules keep to what both the API server's URL parser and java.net.URI read the same way (RFC 3986
 * characters, a host, a port in range), so the port the NetworkPolicy opens is the one the server connects to.
 */
@ValidationRule(value = "self.url.matches('^https?://[A-Za-z0-9._~:/?#\\\\[\\\\]@!$&()*+,;=%-]+$')"
        + " && isURL(self.url) && url(self.url).getHostname() != ''"
        + " && (url(self.url).getPort() == '' || (int(url(self.url).getPort()) >= 1"
        + " && int(url(self.url).getPort()) <= 65535))",
        message = "alerts.webhook.url must be an absolute https:// (or http://) URL with a host, such as"
                + " https://alerts.example.com/refinevad, a port (if any) in 1..65535 and other characters"
                + " percent-encoded")
@ValidationRule(value = "!self.url.startsWith('http://') || (has(self.allowHttp) && self.allowHttp)",
        message = "alerts.webhook.url is a plain http:// URL, which sends the events and the bearer token in the"
                + " clear: use an https:// URL, or set alerts.webhook.allowHttp: true to send over http anyway")
public class WebhookSpec {

    @Required
    @Size(min = 1, max = 2048)
    @JsonPropertyDescription("where the events are posted, an https:// URL (http:// only with allowHttp); the"
            + " scoring pods' NetworkPolicy lets them reach the platform's alert receivers on its port")
    private String url;

    @JsonPropertyDescription("post to an http:// url in the clear; without it only https:// is accepted")
    @Default("false")
    private boolean allowHttp;

    @JsonPropertyDescription("a Secret in the detector's namespace whose key holds the bearer token the pods send"
            + " (Authorization: Bearer); a rotated Secret reaches the running pods. Unset: no Authorization header")
    private TokenSecretSpec tokenSecret;

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public boolean isAllowHttp() {
        return allowHttp;
    }

    public void setAllowHttp(boolean allowHttp) {
        this.allowHttp = allowHttp;
    }

    public TokenSecretSpec getTokenSecret() {
        return tokenSecret;
    }

    public void setTokenSecret(TokenSecretSpec tokenSecret) {
        this.tokenSecret = tokenSecret;
    }
}
