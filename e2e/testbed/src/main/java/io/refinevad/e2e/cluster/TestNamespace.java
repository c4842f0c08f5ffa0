package io.refinevad.e2e.cluster;

/** The namespace a test class owns on the local cluster; it is deleted after the class. */
public record TestNamespace(String name, LocalCluster cluster) {
}
