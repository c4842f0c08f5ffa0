package io.refinevad.operator.reconciler;

import io.refinevad.operator.ProductImages;
import io.refinevad.operator.dependent.OperatorPods;
import io.refinevad.operator.policy.DetectorPolicies;
import io.refinevad.operator.policy.DetectorPolicy;
import java.time.Duration;
import java.util.Optional;

/**
 * How often the operator polls each detector's pods for their load, and how long one pod may take to answer.
 * The poll interval bounds how quickly a stream surge turns into new pods. The operator's own pods, when it knows
 * them, are the only ones the detectors' NetworkPolicies let reach the scoring pods' admin port beside the
 * gateways. The images are where the scoring pods' server and model fetcher and the gateway come from (a detector
 * may name its own server image). The gateway's ClusterRole is the one each detector's gateway ServiceAccount is
 * bound to in the detector's namespace. The policy is what the platform lets a detector ask for.
 */
public record OperatorSettings(Duration pollInterval, Duration loadReportTimeout,
        Optional<OperatorPods> operatorPods, ProductImages images, String gatewayClusterRole, DetectorPolicy policy) {

    /**
     * The gateways' ClusterRole as the Helm chart names it for a release named refinevad, which
     * refinevad.operator.gateway-cluster-role defaults to: for the tests, whose API server has no such role (a
     * RoleBinding may name a role that does not exist yet).
     */
    public static final String CHART_GATEWAY_CLUSTER_ROLE = "refinevad-operator-gateway";

    /**
     * An operator that does not run as a known pod, with the images as built and a policy that limits nothing beyond
     * the CRD: for tests about other things than the policy.
     */
    public OperatorSettings(Duration pollInterval, Duration loadReportTimeout) {
        this(pollInterval, loadReportTimeout, Optional.empty(), ProductImages.AS_BUILT, CHART_GATEWAY_CLUSTER_ROLE,
                DetectorPolicies.unrestricted());
    }
}
