package io.refinevad.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The key of a Secret in the detector's namespace that holds a webhook's bearer token. The kubelet mounts it into the
 * scoring pods, which send its content to the webhook URL, a URL the detector's author chooses: so only a Secret
 * named for that purpose may be named, lest a tenant who may write detectors, but not read Secrets, have any
 * credential of the namespace posted to a receiver of theirs.
 */
@ValidationRule(value = "self.name.endsWith('-alert-token')",
        message = "alerts.webhook.tokenSecret.name must end in -alert-token: the pods send the Secret's key to the"
                + " webhook URL, so only a Secret made for that may be named; name (or copy) the token's Secret"
                + " accordingly")
public class TokenSecretSpec {

    /** A Secret name is a DNS subdomain. */
    private static final int SECRET_NAME_MAX = 253;

    @Required
    @Size(min = 1, max = SECRET_NAME_MAX)
    @JsonPropertyDescription("the Secret, in the detector's namespace, whose name ends in -alert-token")
    private String name;

    @Default("token")
    @Size(min = 1, max = SECRET_NAME_MAX)
    @Pattern("^[-._a-zA-Z0-9]+$")
    @JsonPropertyDescription("the key of the Secret that holds the token")
    private String key = "token";

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}
