package io.refinevad.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.refinevad.e2e.cluster.LocalCluster;
import io.refinevad.e2e.cluster.LocalClusterTest;
import io.refinevad.e2e.cluster.TestNamespace;
import org.junit.jupiter.api.Test;

/** RBAC is enforced: a ServiceAccount may do what its Role grants and is denied a verb the Role leaves out. */
@LocalClusterTest
class RbacSmokeIT {

    @Test
    void aVerbMissingFromTheRoleIsDenied(KubernetesClient admin, LocalCluster cluster, TestNamespace namespace) {
        String ns = namespace.name();
        admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("reader").endMetadata().build()).create();
        admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("configmap-reader")
                .endMetadata().addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list")
                .endRule().build()).create();
        admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("reader").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                .withName("configmap-reader").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("reader").withNamespace(ns).endSubject()
                .build()).create();
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                .endMetadata().addToData("mode", "test").build()).create();

        try (KubernetesClient reader = cluster.clientFor(ns, "reader")) {
            assertThat(reader.configMaps().inNamespace(ns).withName("settings").get().getData())
                    .containsEntry("mode", "test");
            assertThatThrownBy(() -> reader.configMaps().inNamespace(ns).withName("settings").delete())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403))
                    .hasMessageContaining("cannot delete resource \"configmaps\"");
            assertThatThrownBy(() -> reader.secrets().inNamespace(ns).list())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
        }
        assertThat(admin.configMaps().inNamespace(ns).withName("settings").get()).isNotNull();
    }
}
