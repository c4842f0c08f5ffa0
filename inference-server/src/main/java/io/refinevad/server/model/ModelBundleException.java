package io.refinevad.server.model;

/** A model directory that cannot be served; the message says which file and what is wrong with it. */
public class ModelBundleException extends RuntimeException {
    public ModelBundleException(String message) {
        super(message);
    }

    public ModelBundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
