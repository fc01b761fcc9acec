/**
 * The fast CPU backend: FP32 GEMMs through OpenBLAS ({@code cblas_sgemm}/{@code cblas_sgemv}, row-major, transposes
 * expressed through the BLAS arguments), RMSprop in FP32, every other op the reference's own code
 * ({@link dev.gcl.backend.reference.VectorMath}) split over threads by rows. The only package that imports
 * {@code org.bytedeco.*}. Held to the reference ({@link dev.gcl.backend.reference.ReferenceBackend}) by the parity
 * checks of {@code dev.gcl.verify} with the FP32-accumulation tolerances of
 * {@link dev.gcl.verify.ParityTolerances#blasFp32()}.
 */
package dev.gcl.backend.blas;
