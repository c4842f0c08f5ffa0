package io.refinevad.operator;

import static io.refinevad.operator.crd.AlertsFixture.tokenSecret;
import static io.refinevad.operator.crd.AlertsFixture.webhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.operator.crd.AlertsSpec;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.TokenSecretSpec;
import io.refinevad.operator.crd.WebhookSpec;
import io.refinevad.testsupport.DetectorFixture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The spec.alerts rules of the checked-in CRD, as the API server applies them at kubectl apply time: a webhook needs
 * a URL, https unless it says allowHttp, a host and a port in range; its token only from a Secret named for it;
 * the event rule's settings within their ranges and the hysteresis below the detector's threshold.
 */
class AlertsValidationApiServerIT {

    private static final String HTTP_REFUSED = "alerts.webhook.url is a plain http:// URL, which sends the events"
            + " and the bearer token in the clear: use an https:// URL, or set alerts.webhook.allowHttp: true to send"
            + " over http anyway";
    private static final String URL_REFUSED = "alerts.webhook.url must be an absolute https:// (or http://) URL"
            + " with a host";
    @RegisterExtension
    static final ApiServer API = ApiServer.withCrd();
    private static KubernetesClient client;
    private static String namespace;

    @BeforeAll
    static void createNamespace() {
        client = API.client();
        namespace = API.createNamespace("alerts");
    }

    @Test
    void aDetectorWithoutAlertsGetsTheEmptyDefaultAndAFullOneIsStoredAsWritten() {
        assertThat(client.resource(detector("none", alerts -> { })).create().getSpec().getAlerts().getWebhook())
                .isNull();

        AnomalyDetector created = client.resource(detector("full", alerts -> {
            alerts.setMinSegments(3);
            alerts.setQuietSegments(64);
            alerts.setHysteresis(0.0);
            alerts.setWebhook(webhook("https://alerts.example:8443/hooks/vad?team=a", tokenSecret("cams-alert-token", null)));
        })).create();

        AlertsSpec alerts = created.getSpec().getAlerts();
        assertThat(alerts.getMinSegments()).isEqualTo(3);
        assertThat(alerts.getHysteresis()).isZero();
        assertThat(alerts.getWebhook().isAllowHttp()).isFalse();
        assertThat(alerts.getWebhook().getTokenSecret().getKey()).as("the default key").isEqualTo("token");
    }

    @Test
    void plainHttpIsRefusedWithWhatToChangeUnlessTheDetectorAllowsIt() {
        assertRefused("plain", alerts -> alerts.setWebhook(webhook("http://receiver.alerting.svc:8080/hook", null)),
                HTTP_REFUSED);

        WebhookSpec allowed = webhook("http://receiver.alerting.svc:8080/hook", null);
        allowed.setAllowHttp(true);
        assertThat(client.resource(detector("allowed", alerts -> alerts.setWebhook(allowed))).create().getSpec()
                .getAlerts().getWebhook().isAllowHttp()).isTrue();
    }

    @Test
    void aWebhookWithoutAUrlIsRefused() {
        assertRefused("nourl", alerts -> alerts.setWebhook(new WebhookSpec()),
                "spec.alerts.webhook.url: Required value");
    }

    @Test
    void aUrlThatIsNotAnAbsoluteHttpUrlWithAHostAndAPortInRangeIsRefused() {
        String[] refused = {"ftp://alerts.example/hook", "https://", "https:///hook", "alerts.example/hook",
            "https://alerts.example/a hook", "https://alerts.example:0/hook", "https://alerts.example:70000/hook",
            "HTTP://alerts.example/hook"};
        for (int i = 0; i < refused.length; i++) {
            String url = refused[i];
            assertRefused("badurl" + i, alerts -> alerts.setWebhook(webhook(url, null)), URL_REFUSED);
        }
        assertThat(client.resource(detector("ipv6", alerts -> alerts.setWebhook(
                webhook("https://[2001:db8::7]:8443/hook", null)))).create()).as("an IPv6 literal host").isNotNull();
    }

    @Test
    void theTokenMayComeOnlyFromASecretNamedForIt() {
        assertRefused("anysecret", alerts -> alerts.setWebhook(webhook("https://alerts.example/hook",
                tokenSecret("database-credentials", null))), "alerts.webhook.tokenSecret.name must end in -alert-token");
        assertRefused("nosecret", alerts -> alerts.setWebhook(webhook("https://alerts.example/hook",
                new TokenSecretSpec())), "spec.alerts.webhook.tokenSecret.name: Required value");
    }

    @Test
    void theEventRulesSettingsAreHeldToTheirRanges() {
        assertRefused("minzero", alerts -> alerts.setMinSegments(0), "spec.alerts.minSegments");
        assertRefused("quietmany", alerts -> alerts.setQuietSegments(65), "spec.alerts.quietSegments");
        assertRefused("hysteresisone", alerts -> alerts.setHysteresis(1.0), "alerts.hysteresis must be in [0, 1)");
        assertRefused("hysteresisneg", alerts -> alerts.setHysteresis(-0.1), "alerts.hysteresis must be in [0, 1)");
    }

    @Test
    void theHysteresisMustStayBelowTheDetectorsThreshold() {
        AnomalyDetector above = detector("abovethreshold", alerts -> alerts.setHysteresis(0.3));
        above.getSpec().getModel().setAlarmThreshold(0.3);
        assertThatThrownBy(() -> client.resource(above).create()).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("alerts.hysteresis must be below model.alarmThreshold");

        AnomalyDetector below = detector("belowthreshold", alerts -> alerts.setHysteresis(0.29));
        below.getSpec().getModel().setAlarmThreshold(0.3);
        assertThat(client.resource(below).create().getSpec().getAlerts().getHysteresis()).isEqualTo(0.29);
    }

    private static void assertRefused(String name, Consumer<AlertsSpec> change, String message) {
        assertThatThrownBy(() -> client.resource(detector(name, change)).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining(message);
    }

    private static AnomalyDetector detector(String name, Consumer<AlertsSpec> change) {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, namespace, name);
        change.accept(detector.getSpec().getAlerts());
        return detector;
    }

}
