package dev.gcl.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * How a model was made, beside its {@link GclModel#config() config} (variant, seed and every setting): the backend
 * that trained it, the precision of its dense-layer products, the CPU threads, the library version and git commit,
 * and the training data's fingerprint ({@code dev.gcl.data.DataFingerprint}). Recorded in {@code model.json};
 * {@code gcl info --model DIR} prints it. Any component is null where unknown: models written before these were
 * recorded, or trained on a backend that does not say.
 *
 * @param backend         "reference", "blas" or "cuda"
 * @param precision       "fp32" or "tf32"
 * @param threads         CPU threads of the backend; null for CUDA or where unknown
 * @param libraryVersion  the gcl version that trained the model ("development" outside a built jar)
 * @param gitCommit       the commit the library was built from, where known
 * @param dataFingerprint the training data's fingerprint (16 hex digits)
 * @param device          the device a GPU backend trained on ("NVIDIA H200 (GPU 0), compute capability 9.0, kernels
 *                        from the fatbin (cubin sm_90), fp32 GEMMs"); null for the CPU backends
 * @param backendNote     why backend auto did not train on a device that is present (a GPU that failed its probe
 *                        or canary, with the reason); null when nothing was passed over
 */
public record Provenance(String backend, String precision, Integer threads, String libraryVersion, String gitCommit,
                         String dataFingerprint, String device, String backendNote) {
    /** Nothing known (a model written before provenance was recorded). */
    public static final Provenance UNKNOWN = new Provenance(null, null, null, null, null, null);

    /** Without a device or a backend note (CPU backends, or models written before they were recorded). */
    public Provenance(String backend, String precision, Integer threads, String libraryVersion, String gitCommit,
                      String dataFingerprint) {
        this(backend, precision, threads, libraryVersion, gitCommit, dataFingerprint, null, null);
    }

    /** The version of this library: the jar's Implementation-Version, or "development" outside a built jar. */
    public static String currentLibraryVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /**
     * The commit this library was built from: {@code GCL_GIT_COMMIT} where the launcher sets it (the checkout the
     * run came from), else the one the build recorded in the jar, else null (built outside a git checkout).
     */
    public static String currentGitCommit() {
        String env = System.getenv("GCL_GIT_COMMIT");
        if (env != null && !env.isBlank()) return env.trim();
        return BuildInfo.COMMIT;
    }

    /** The build's record, read once: {@code dev/gcl/build-info.properties}, written by native-build/build-info.sh. */
    private static final class BuildInfo {
        static final String COMMIT = read();

        private static String read() {
            try (InputStream in = Provenance.class.getResourceAsStream("build-info.properties")) {
                if (in == null) return null;
                Properties p = new Properties();
                p.load(in);
                String c = p.getProperty("git.commit", "").trim();
                return c.isEmpty() ? null : c;
            } catch (IOException e) {
                return null;   // an unreadable resource only loses the commit, never the model
            }
        }
    }
}
