package dev.pagelab.scenario;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Enum constants as scenario files spell them: {@code OUT_OF_MEMORY} is {@code out-of-memory}. */
final class Keys {
    private Keys() {
    }

    /** {@code OUT_OF_MEMORY} as {@code out-of-memory}. */
    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant of {@code type} spelled {@code key}, or null. */
    static <E extends Enum<E>> E lookup(Class<E> type, String key) {
        for (E constant : type.getEnumConstants()) {
            if (of(constant).equals(key)) {
                return constant;
            }
        }
        return null;
    }

    /** Every key of {@code type}, in declaration order. */
    static <E extends Enum<E>> List<String> all(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Keys::of).toList();
    }
}
