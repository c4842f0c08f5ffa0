package io.refinevad.operator.dependent;

import static io.refinevad.operator.ProductImages.AS_BUILT;
import static io.refinevad.operator.crd.AlertsFixture.tokenSecret;
import static io.refinevad.operator.crd.AlertsFixture.webhook;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.refinevad.operator.crd.AlertsSpec;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.operator.crd.TokenSecretSpec;
import io.refinevad.operator.policy.Placement;
import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * spec.alerts in the server's configuration (the refinevad.events.* settings of docs/EVENTS.md) and the webhook's
 * bearer token in the scoring pods.
 */
class AlertsDesiredStateTest {

    @Test
    void theServerIsToldItsDetectorAndOnlyTheEventSettingsTheSpecSets() throws IOException {
        AnomalyDetector detector = DesiredStateTest.detector("builtin:default", null);

        Properties unset = properties(detector);
        assertThat(unset.getProperty("refinevad.events.detector")).isEqualTo("video/cams");
        assertThat(unset.stringPropertyNames()).as("the server's defaults stand")
                .filteredOn(name -> name.startsWith("refinevad.events.")).containsExactly("refinevad.events.detector");

        AlertsSpec alerts = detector.getSpec().getAlerts();
        alerts.setMinSegments(3);
        alerts.setQuietSegments(5);
        alerts.setHysteresis(0.05);
        Properties set = properties(detector);
        assertThat(set.getProperty("refinevad.events.min-segments")).isEqualTo("3");
        assertThat(set.getProperty("refinevad.events.quiet-segments")).isEqualTo("5");
        assertThat(set.getProperty("refinevad.events.hysteresis")).isEqualTo("0.05");
        assertThat(set.getProperty("refinevad.events.webhook.url")).as("no webhook").isNull();
    }

    @Test
    void aWebhookIsPassedWithItsTokensFileOnlyWhenASecretIsNamed() throws IOException {
        AnomalyDetector detector = withWebhook("https://alerts.example/hooks/vad?team=a&x=1", null);
        Properties properties = properties(detector);
        assertThat(properties.getProperty("refinevad.events.webhook.url"))
                .as("read back as the server reads it").isEqualTo("https://alerts.example/hooks/vad?team=a&x=1");
        assertThat(properties.getProperty("refinevad.events.webhook.token-file")).isNull();

        detector.getSpec().getAlerts().getWebhook().setTokenSecret(tokenSecret("cams-alert-token", "bearer"));
        assertThat(properties(detector).getProperty("refinevad.events.webhook.token-file"))
                .isEqualTo("/var/run/secrets/refinevad/webhook/token");
    }

    @Test
    void theTokensKeyIsMountedAloneReadOnlyAsAWholeSecretVolumeAtTheFileTheServerIsTold() {
        AnomalyDetector detector = withWebhook("https://alerts.example/hook", tokenSecret("cams-alert-token",
                "bearer"));
        PodSpec pod = pod(detector);
        Container scorer = pod.getContainers().get(0);

        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getSecret() != null).singleElement()
                .satisfies(volume -> {
                    assertThat(volume.getSecret().getSecretName()).isEqualTo("cams-alert-token");
                    assertThat(volume.getSecret().getItems()).singleElement().satisfies(item -> {
                        assertThat(item.getKey()).as("only the named key").isEqualTo("bearer");
                        assertThat(item.getPath()).isEqualTo("token");
                    });
                    assertThat(volume.getSecret().getDefaultMode()).as("r--r-----: root and the pod's fsGroup")
                            .isEqualTo(0440);
                    assertThat(volume.getSecret().getOptional()).as("no token, no pod: never post without it")
                            .isNotEqualTo(Boolean.TRUE);
                    assertThat(scorer.getVolumeMounts()).filteredOn(mount -> mount.getName().equals(volume.getName()))
                            .singleElement().satisfies(mount -> {
                                assertThat(mount.getMountPath() + "/" + volume.getSecret().getItems().get(0).getPath())
                                        .isEqualTo(ServerProperties.WEBHOOK_TOKEN_FILE);
                                assertThat(mount.getReadOnly()).isTrue();
                                assertThat(mount.getSubPath()).as("a subPath mount never sees a rotated Secret")
                                        .isNull();
                            });
                });
        assertThat(pod.getSecurityContext().getFsGroup()).as("the group the token is readable by")
                .isEqualTo(pod.getSecurityContext().getRunAsGroup());
        assertThat(pod.getInitContainers()).as("a built-in model: no fetch to hand the token to").isEmpty();
    }

    @Test
    void withoutATokenSecretNoSecretIsMountedAndNamingOneRollsThePods() {
        AnomalyDetector detector = withWebhook("https://alerts.example/hook", null);
        PodSpec pod = pod(detector);
        assertThat(pod.getVolumes()).allSatisfy(volume -> assertThat(volume.getSecret()).isNull());
        assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getMountPath)
                .doesNotContain(ServerProperties.WEBHOOK_TOKEN_DIR);

        String before = configHash(detector);
        detector.getSpec().getAlerts().getWebhook().setTokenSecret(tokenSecret("cams-alert-token", "token"));
        assertThat(configHash(detector)).as("the server must be told the token's file (a rotated Secret, unlike"
                + " this, reaches the running pods through the volume)").isNotEqualTo(before);
    }

    private static AnomalyDetector withWebhook(String url, TokenSecretSpec token) {
        AnomalyDetector detector = DesiredStateTest.detector("builtin:default", null);
        detector.getSpec().getAlerts().setWebhook(webhook(url, token));
        return detector;
    }

    private static PodSpec pod(AnomalyDetector detector) {
        return ScoringPodTemplate.deployment(detector, 1, AS_BUILT, Placement.ANYWHERE).getSpec().getTemplate()
                .getSpec();
    }

    private static String configHash(AnomalyDetector detector) {
        return ScoringPodTemplate.deployment(detector, 1, AS_BUILT, Placement.ANYWHERE).getSpec().getTemplate()
                .getMetadata().getAnnotations().get(ScoringPodTemplate.CONFIG_HASH_ANNOTATION);
    }

    /** The ConfigMap's file as the server's configuration loader reads it (the properties format). */
    private static Properties properties(AnomalyDetector detector) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(ServerProperties.of(detector)));
        return properties;
    }
}
