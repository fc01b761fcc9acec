package dev.gcl.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** JCuda's many-line link errors keep the line that names the cause, with what to do (runs without a driver). */
class LinkFailureTest {
    private static String jcudaError(String cause) {
        return "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "Operating system name: Linux\nArchitecture  : amd64\nStack trace from the attempt to load the "
                + "library as a file:\njava.lang.UnsatisfiedLinkError: /tmp/x/libJCudaDriver-12.6.0-linux-x86_64.so: "
                + cause + "\n\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)\n"
                + "Stack trace from the attempt to load the library as a resource:\n\tat jcuda.LibUtils.load\n";
    }

    @Test
    void noDriverIsNamedAsSuch() {
        String why = CudaDriver.linkFailure(new UnsatisfiedLinkError(
                jcudaError("libcuda.so.1: cannot open shared object file: No such file or directory")));
        assertTrue(why.startsWith("no libcuda.so.1 (no NVIDIA driver on this machine): libcuda.so.1: cannot open"), why);
    }

    @Test
    void aNoexecTemporaryFolderKeepsItsLineAndSaysWhatToDo() {
        String why = CudaDriver.linkFailure(new UnsatisfiedLinkError(
                jcudaError("failed to map segment from shared object")));
        assertTrue(why.contains("failed to map segment from shared object"), why);
        assertTrue(why.contains("mounted noexec: start java with -Djava.io.tmpdir="), why);
    }

    @Test
    void anOldCLibraryKeepsItsLine() {
        String why = CudaDriver.linkFailure(new UnsatisfiedLinkError(
                jcudaError("/lib64/libc.so.6: version `GLIBC_2.34' not found (required by /tmp/x/libJCudaDriver.so)")));
        assertTrue(why.contains("version `GLIBC_2.34' not found"), why);
        assertTrue(why.contains("C library is older"), why);
    }
}
