package dev.gcl.cli;

import dev.gcl.backend.Backends;
import dev.gcl.backend.blas.BlasProbe;
import dev.gcl.backend.cuda.CudaProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code gcl info}: Java, OS, cores, and each backend with why it is or is not available. */
@Command(name = "info", description = "Show Java, OS, cores and which backends are available, and why.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--debug", description = "Show stack traces.")
    boolean debug;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.printf("gcl      %s%n", GclCommand.version());
        out.printf("java     %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf("os       %s %s (%s)%n", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        out.printf("cores    %d%n", rt.availableProcessors());
        out.printf("memory   %d MiB max heap%n", rt.maxMemory() >> 20);
        out.printf("backend  reference (alias cpu): available (the CPU reference: double sums, %d threads)%n",
                rt.availableProcessors());
        BlasProbe blas = BlasProbe.get();
        out.printf("backend  blas: %s%n", (blas.available() ? "available: " : "unavailable: ") + blas.reason());
        CudaProbe probe = CudaProbe.get();
        out.printf("backend  cuda: %s%n", (probe.available() ? "available: " : "unavailable: ") + probe.reason());
        Backends.Auto auto = Backends.auto();
        out.printf("backend  auto: %s (%s)%n", auto.kind(), auto.why());
        return Main.OK;
    }
}
