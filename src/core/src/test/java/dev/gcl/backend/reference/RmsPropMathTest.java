package dev.gcl.backend.reference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three RMSprop steps with momentum 0.6, computed outside this code base (PyTorch's update rule) for
 * p0 = 0.5, lr = 0.01, alpha = 0.99, eps = 1e-8 and gradients 0.2, -0.1, 0.3.
 */
class RmsPropMathTest {
    @Test
    void threeHandComputedSteps() {
        // computed independently, step by step in IEEE double (Python floats), from
        // v = alpha·v + (1 - alpha)·g²; buf = momentum·buf + g / (sqrt(v) + eps); p -= lr·buf
        double[][] expected = {
                // {param, square_avg, momentum_buffer}
                {0.400000049999975, 0.0004, 9.9999950000025},
                {0.38490138534537244, 0.000496, 1.509866465460255},
                {0.2954060266082294, 0.00139104, 8.949535873714302},
        };
        double[] g = {0.2, -0.1, 0.3};
        double[] s = {0.5, 0, 0};
        for (int k = 0; k < 3; k++) {
            RmsPropMath.step(s, g[k], 0.01, 0.99, 1e-8, 0.6);
            assertEquals(expected[k][0], s[0], 1e-12, "param after step " + (k + 1));
            assertEquals(expected[k][1], s[1], 1e-12, "square_avg after step " + (k + 1));
            assertEquals(expected[k][2], s[2], 1e-12, "momentum buffer after step " + (k + 1));
        }
    }
}
