package dev.gcl.io;

/** IEEE 754 binary16 to float (Java 17 lacks {@code Float.float16ToFloat}). Exact: every half is a float. */
final class HalfFloat {
    private HalfFloat() {}

    static float toFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));  // Inf or NaN
        if (exp != 0) return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        if (mant == 0) return Float.intBitsToFloat(sign);                                  // +-0
        float value = mant * 0x1p-24f;                                                     // subnormal, exact
        return sign != 0 ? -value : value;
    }
}
