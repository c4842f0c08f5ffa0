package io.refinevad.operator.dependent;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.refinevad.operator.crd.ModelSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The model fetch init container's script, its environment, and the exit codes by which it says why it failed, so
 * that the detector's status can say it too. Plain POSIX sh with curl, head, wc, cut, sha256sum and tar (gzip): the
 * model-fetcher image (images/model-fetcher) holds exactly these, from Debian, as the local cluster's host does.
 *
 * <p>What it guards against: a download over a protocol the detector did not allow (https only, unless it sets
 * model.allowHttp; redirects included), a server that never answers or trickles (connect and total timeouts), and
 * an archive that fills the node's disk, whether large itself or a small archive that unpacks to a huge one (a
 * gzip bomb): the download and the unpacked total are each cut one byte past model.sizeLimitMiB. curl's
 * --max-filesize stops a download whose server announces its size; the pipe through head stops any other, since
 * curl before 8.4 does not check a transfer of unknown length. An archive holding a link or a device is refused
 * before anything is unpacked. What it prints, which the pod's log keeps, names the URL and the digest the detector
 * asked for but nothing the server sent: not the digest of what came, nor curl's error text (only its exit code).
 */
public final class ModelFetchScript {

    /** Longest wait for the model server to accept the connection. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** Longest a whole download may take, retries included: 1 GiB at under 2 MB/s. */
    static final int DOWNLOAD_TIMEOUT_SECONDS = 600;

    /** Why the script failed: its exit code, the condition reason, and what a person should check. */
    public enum Failure {
        CHECKSUM_MISMATCH(3, "ModelChecksumMismatch",
                "the model archive's sha256 is not spec.model.sha256; check the digest (sha256sum) or the URL"),
        NOT_AN_ARCHIVE(4, "ModelArchiveInvalid", "the model archive is not a .tar.gz with manifest.json at its top;"
                + " pack the export folder with tar -czf model.tar.gz -C <export folder> ."),
        TOO_LARGE(5, "ModelTooLarge", "the model archive, or what it unpacks to, is larger than"
                + " spec.model.sizeLimitMiB; raise the limit if the model really is that large"),
        TIMED_OUT(6, "ModelFetchTimedOut", "the model download did not finish within " + DOWNLOAD_TIMEOUT_SECONDS
                + " s (or the server did not accept a connection within " + CONNECT_TIMEOUT_SECONDS + " s); check"
                + " that spec.model.uri's server is reachable from the pods and fast enough"),
        DOWNLOAD_FAILED(7, "ModelFetchFailed", "the model download failed (an HTTP error, a host that cannot be"
                + " reached, or a redirect to a protocol the detector does not allow); check spec.model.uri and"
                + " the pod's fetch-model log");

        private final int exitCode;
        private final String reason;
        private final String message;

        Failure(int exitCode, String reason, String message) {
            this.exitCode = exitCode;
            this.reason = reason;
            this.message = message;
        }

        public int exitCode() {
            return exitCode;
        }

        public String reason() {
            return reason;
        }

        public String message() {
            return message;
        }

        public static Optional<Failure> ofExitCode(int exitCode) {
            return Arrays.stream(values()).filter(failure -> failure.exitCode == exitCode).findFirst();
        }
    }

    static final String SCRIPT = """
            set -eu
            limit=$MODEL_SIZE_LIMIT_BYTES
            fail() { code=$1; shift; rm -f /models/.archive /models/.curl-exit; echo "$*" >&2; exit "$code"; }
            curl_exit=0
            case "$MODEL_URI" in
              http://*|https://*)
                { status=0
                  curl -fs --retry 3 --proto "$MODEL_PROTOCOLS" --proto-redir "$MODEL_PROTOCOLS" \\
                    --connect-timeout %1$d --max-time %2$d --max-filesize "$limit" "$MODEL_URI" || status=$?
                  echo "$status" > /models/.curl-exit
                } | head -c "$((limit + 1))" > /models/.archive
                curl_exit=$(cat /models/.curl-exit) ;;
              pvc://*) head -c "$((limit + 1))" < "/source/${MODEL_URI#pvc://*/}" > /models/.archive ;;
            esac
            if [ "$(wc -c < /models/.archive)" -gt "$limit" ] || [ "$curl_exit" = 63 ]; then
              fail %3$d "model archive larger than the size limit of $limit bytes: $MODEL_URI"
            fi
            case "$curl_exit" in
              0) ;;
              28) fail %4$d "model download timed out (connect %1$d s, whole download %2$d s): $MODEL_URI" ;;
              *) fail %5$d "model download failed (curl exit code $curl_exit, allowed protocols $MODEL_PROTOCOLS): $MODEL_URI" ;;
            esac
            actual=$(sha256sum /models/.archive | cut -d ' ' -f 1)
            if [ "$actual" != "$MODEL_SHA256" ]; then
              fail %6$d "model archive sha256 mismatch: expected $MODEL_SHA256 ($MODEL_URI)"
            fi
            unpacked=$(tar -xzOf /models/.archive 2>/dev/null | head -c "$((limit + 1))" | wc -c)
            if [ "$unpacked" -gt "$limit" ]; then
              fail %3$d "model archive unpacks to more than the size limit of $limit bytes: $MODEL_URI"
            fi
            # Regular files and folders only: a link could point the server at any file of the pod, and tar would
            # follow a symbolic link unpacked before it when writing a later entry.
            kinds=$(tar -tvzf /models/.archive 2>/dev/null | cut -c 1 | tr -d -- '-d\\n')
            if [ -n "$kinds" ]; then
              fail %7$d "the model archive holds a link or a special file; a model export holds regular files and folders only: $MODEL_URI"
            fi
            # --keep-old-files: an entry for an existing folder (the "./" of tar -C EXPORT .) leaves it as it is;
            # restoring /models' own mode and times is refused to the pod's user, who does not own the emptyDir.
            tar -xzf /models/.archive -C /models --keep-old-files || fail %7$d "model archive is not a .tar.gz: $MODEL_URI"
            rm -f /models/.archive /models/.curl-exit
            test -f /models/manifest.json || fail %7$d "the model archive has no manifest.json at its top"
            echo "model verified: $MODEL_SHA256"
            """.formatted(CONNECT_TIMEOUT_SECONDS, DOWNLOAD_TIMEOUT_SECONDS, Failure.TOO_LARGE.exitCode,
            Failure.TIMED_OUT.exitCode, Failure.DOWNLOAD_FAILED.exitCode, Failure.CHECKSUM_MISMATCH.exitCode,
            Failure.NOT_AN_ARCHIVE.exitCode);

    private ModelFetchScript() {
    }

    /** The script's inputs, from the detector's model. */
    static List<EnvVar> environment(ModelSpec model) {
        return List.of(
                new EnvVar("MODEL_URI", model.getUri(), null),
                new EnvVar("MODEL_SHA256", model.getSha256(), null),
                new EnvVar("MODEL_SIZE_LIMIT_BYTES", String.valueOf(sizeLimitBytes(model)), null),
                // curl's protocol list, for the first request and for every redirect.
                new EnvVar("MODEL_PROTOCOLS", model.isAllowHttp() ? "=http,https" : "=https", null));
    }

    /**
     * The TCP ports the fetch may connect to: none when model.uri is not an http(s) URL (nothing is fetched), else
     * the URL's own port and those of the protocols it may be redirected over (443, and 80 with model.allowHttp).
     */
    static Set<Integer> ports(ModelSpec model) {
        String uri = model.getUri();
        if (!uri.startsWith("https://") && !uri.startsWith("http://")) {
            return Set.of();
        }
        Set<Integer> ports = new TreeSet<>();
        ports.add(UrlPorts.HTTPS);
        if (model.isAllowHttp()) {
            ports.add(UrlPorts.HTTP);
        }
        // The CRD checks only the scheme: a URL too broken to name its port (curl refuses it, and the status says
        // so) needs the default ports only.
        UrlPorts.named(uri).ifPresent(ports::add);
        return ports;
    }

    static long sizeLimitBytes(ModelSpec model) {
        return model.getSizeLimitMiB() * 1024L * 1024L;
    }
}
