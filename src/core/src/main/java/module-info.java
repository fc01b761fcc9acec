/**
 * gcl's core: the API ({@link dev.gcl.Gcl}, {@link dev.gcl.model.GclModel}), config, data and feature files,
 * evaluation, the training loop, the reference backend, model files, scoring, ONNX export and the parity checks.
 * Pure Java; requires Jackson only. The other backends and the fast scorers are separate artifacts, found through
 * the services below ({@code provides} in a module, {@code META-INF/services} in a jar on either path).
 */
module dev.gcl {
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires java.logging;

    exports dev.gcl;
    exports dev.gcl.api;
    exports dev.gcl.backend;
    exports dev.gcl.backend.reference;
    exports dev.gcl.concurrent;
    exports dev.gcl.config;
    exports dev.gcl.data;
    exports dev.gcl.eval;
    exports dev.gcl.export;
    exports dev.gcl.io;
    exports dev.gcl.model;
    exports dev.gcl.nn;
    exports dev.gcl.progress;
    exports dev.gcl.rng;
    exports dev.gcl.synth;
    exports dev.gcl.train;
    exports dev.gcl.verify;

    // dataset descriptions are bound to records by Jackson
    opens dev.gcl.data to com.fasterxml.jackson.databind;

    uses dev.gcl.backend.BackendProvider;
    uses dev.gcl.nn.ScorerProvider;
    provides dev.gcl.backend.BackendProvider with dev.gcl.backend.reference.ReferenceProvider;
    provides dev.gcl.nn.ScorerProvider with dev.gcl.nn.JavaScorerProvider;
}
