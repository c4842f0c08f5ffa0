package io.refinevad.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.refinevad.operator.crd.AnomalyDetector;
import io.refinevad.testsupport.DetectorFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The detector's Services expose the scoring port only: the admin plane (drain, undrain, load reports) is reached by
 * pod address, so a client that finds the pods through a Service still cannot drain them.
 */
class ServicesHideTheAdminPortTest {

    @Test
    void neitherServiceExposesTheAdminPort() {
        AnomalyDetector detector = DetectorFixture.minimal(AnomalyDetector.class, "cameras-ns", "cameras");
        List<Service> services = List.of(new GrpcServiceDependent().desired(detector, null),
                new HeadlessServiceDependent().desired(detector, null));

        for (Service service : services) {
            List<ServicePort> ports = service.getSpec().getPorts();
            assertThat(ports).as(service.getMetadata().getName()).extracting(ServicePort::getName)
                    .containsExactly("grpc");
            assertThat(ports).as(service.getMetadata().getName()).allSatisfy(port -> {
                assertThat(port.getPort()).isNotEqualTo(DetectorResources.ADMIN_PORT);
                assertThat(port.getTargetPort().getStrVal()).isEqualTo("grpc");
            });
        }
    }
}
