package io.refinevad.operator.crd;

/** spec.alerts.webhook as the tests write it. */
public final class AlertsFixture {

    private AlertsFixture() {
    }

    /** A webhook posting to the URL, with the token of the Secret (or none: null). */
    public static WebhookSpec webhook(String url, TokenSecretSpec token) {
        WebhookSpec webhook = new WebhookSpec();
        webhook.setUrl(url);
        webhook.setTokenSecret(token);
        return webhook;
    }

    /** A token Secret and its key; a null key is left out, for the CRD's default. */
    public static TokenSecretSpec tokenSecret(String name, String key) {
        TokenSecretSpec token = new TokenSecretSpec();
        token.setName(name);
        token.setKey(key);
        return token;
    }
}
