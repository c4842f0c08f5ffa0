package io.refinevad.e2e.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A local cluster started by {@code e2e/local-cluster.sh} for tests: its own state folder and ports, so it never
 * touches the cluster a developer runs by hand. The script is the one way a cluster starts, for people and tests.
 */
public final class LocalCluster implements AutoCloseable {

    /** Ports and pod addresses apart from the hand-run cluster's defaults (16400, 10.244.0.0/24). */
    private static final String TEST_PORT_BASE = "17400";
    private static final String TEST_POD_CIDR = "10.244.1.0/24";
    /** The one node's name, as e2e/local-cluster.sh registers it. */
    private static final String NODE_NAME = "refinevad-node";

    private final Path repository;
    private final Path stateDir;
    private final Path kubeconfig;
    private final Path toolsDir;
    private final KubernetesClient admin;

    private LocalCluster(Path repository, Path stateDir, Path kubeconfig, Path toolsDir) throws IOException {
        this.repository = repository;
        this.stateDir = stateDir;
        this.kubeconfig = kubeconfig;
        this.toolsDir = toolsDir;
        this.admin = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    }

    /** Starts the test cluster (or finds it running) and waits until the API is ready and the node is Ready. */
    public static LocalCluster start() throws IOException, InterruptedException {
        Path repository = findRepository();
        // Under the running module's target/: the test bed and the suites each run their own cluster in turn.
        Path stateDir = Path.of("target", "test-cluster").toAbsolutePath();
        List<String> exports = runScript(repository, stateDir, "up");
        Path kubeconfig = null;
        Path tools = null;
        for (String line : exports) {
            if (line.startsWith("export KUBECONFIG=")) {
                kubeconfig = Path.of(unquote(line.substring("export KUBECONFIG=".length())));
            } else if (line.startsWith("export PATH=")) {
                tools = Path.of(unquote(line.substring("export PATH=".length())).split(":")[0]);
            }
        }
        if (kubeconfig == null || tools == null) {
            throw new IOException("e2e/local-cluster.sh up printed no export lines: " + exports);
        }
        return new LocalCluster(repository, stateDir, kubeconfig, tools);
    }

    public KubernetesClient admin() {
        return admin;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The folder of the built tools (kubectl, helm, grpcurl, ghz, ...). */
    public Path toolsDir() {
        return toolsDir;
    }

    public Path repository() {
        return repository;
    }

    /**
     * This machine's address on the node's pod network (the node's InternalIP, the bridge's address): a server a
     * test runs on this host that pods must reach (a model to fetch) binds it, since a pod's 127.0.0.1 is its own.
     */
    public String nodeAddress() {
        Node node = admin.nodes().withName(NODE_NAME).get();
        if (node == null || node.getStatus() == null || node.getStatus().getAddresses() == null) {
            throw new IllegalStateException("node " + NODE_NAME + " has no addresses yet");
        }
        return node.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress).findFirst()
                .orElseThrow(() -> new IllegalStateException("node " + NODE_NAME + " has no InternalIP: "
                        + node.getStatus().getAddresses()));
    }

    /** A client that authenticates as a ServiceAccount with a fresh bound token, as a pod of that account would. */
    public KubernetesClient clientFor(String namespace, String serviceAccount) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(admin.getConfiguration().getMasterUrl())
                .withCaCertData(admin.getConfiguration().getCaCertData())
                .withCaCertFile(admin.getConfiguration().getCaCertFile())
                .withOauthToken(tokenFor(namespace, serviceAccount))
                .withNamespace(namespace)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * The same identity as a kubeconfig file, for a process started by a test (the packaged operator run as a
     * ServiceAccount); kept in the cluster's state folder.
     */
    public Path kubeconfigFor(String namespace, String serviceAccount) throws IOException {
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster: {server: "%s", certificate-authority-data: "%s"}
                users:
                - name: %s
                  user: {token: "%s"}
                contexts:
                - name: local
                  context: {cluster: local, user: %s, namespace: %s}
                current-context: local
                """.formatted(admin.getConfiguration().getMasterUrl(), admin.getConfiguration().getCaCertData(),
                serviceAccount, tokenFor(namespace, serviceAccount), serviceAccount, namespace);
        Path file = Files.createDirectories(stateDir.resolve("kubeconfigs"))
                .resolve(namespace + "." + serviceAccount + ".kubeconfig");
        Files.writeString(file, kubeconfig);
        return file;
    }

    /** A fresh bound token of the ServiceAccount, valid for an hour. */
    private String tokenFor(String namespace, String serviceAccount) {
        return admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    /** Restarts one control-plane component in place (a fault test's API server outage, for instance). */
    public void restart(String component) throws IOException, InterruptedException {
        runScript(repository, stateDir, "restart", component);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        admin.close();
        runScript(repository, stateDir, "down");
    }

    private static List<String> runScript(Path repository, Path stateDir, String... verb)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(repository.resolve("e2e/local-cluster.sh").toString()));
        command.addAll(List.of(verb));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(repository.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = builder.environment();
        env.put("REFINEVAD_CLUSTER_DIR", stateDir.toString());
        env.put("REFINEVAD_CLUSTER_PORT_BASE", TEST_PORT_BASE);
        env.put("REFINEVAD_NODE_POD_CIDR", TEST_POD_CIDR);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("e2e/local-cluster.sh " + String.join(" ", verb) + " failed (exit " + process.exitValue()
                    + "); its log is above and in " + stateDir.resolve("logs"));
        }
        return new ArrayList<>(output.lines().toList());
    }

    private static Path findRepository() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("e2e/local-cluster.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IOException("no e2e/local-cluster.sh above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String unquote(String value) {
        return value.replaceAll("^[\"']|[\"']$", "").replace(":$PATH", "");
    }
}
