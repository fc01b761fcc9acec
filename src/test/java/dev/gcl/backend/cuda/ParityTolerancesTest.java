package dev.gcl.backend.cuda;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import static org.junit.jupiter.api.Assertions.*;

/** The tolerance table covers every name the contract and parity tests check under, and means what it says. */
class ParityTolerancesTest {

    @Test
    void everyCheckedOpNameHasATolerance() {
        String[] names = {"dense_forward", "dense_backward dIn", "dense_backward dW", "dense_backward dB", "row_mse",
                "mean_std", "mean_std prefix", "threshold_labels k=0.1", "min_max_scale", "min_max_scale constant",
                "nl_targets targets ONES", "bce_loss", "bce_grad", "weighted_mse loss", "weighted_mse grad",
                "unweighted mse", "rmsprop param", "rmsprop square_avg", "rmsprop momentum_buf", "gather_rows",
                "philox_uniform", "philox_normal"};
        for (String n : names) assertDoesNotThrow(() -> ParityTolerances.of(n), n);
        assertThrows(IllegalArgumentException.class, () -> ParityTolerances.of("no_such_op"));
    }

    @Test
    void bitExactOpsRejectOneUlpAndLooseOpsAcceptIt() {
        float[] cpu = {1.5f, -2.25f};
        float[] oneUlp = {Math.nextUp(1.5f), -2.25f};
        assertThrows(AssertionFailedError.class, () -> ParityTolerances.check("rmsprop param", oneUlp, cpu));
        ParityTolerances.check("row_mse", oneUlp, cpu);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> ParityTolerances.check("dense_forward", new float[] {1.5f, -2.0f}, cpu));
        assertTrue(e.getMessage().contains("worst [1]"), e.getMessage());
    }

    @Test
    void contractToleranceIsNeverStricterThanTheContractDefault() {
        assertEquals(2e-6, ParityTolerances.contract("gather_rows"));
        assertEquals(1e-4, ParityTolerances.contract("dense_forward"));
    }
}
