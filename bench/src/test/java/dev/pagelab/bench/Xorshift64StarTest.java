package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Xorshift64StarTest {
    @Test
    void next_seed42_givesTheCReferenceOutputs() {
        // Printed by the same three lines in C with uint64_t.
        Xorshift64Star rng = new Xorshift64Star(42);

        assertThat(rng.next()).isEqualTo(0x56ce4ab7719ba3a0L);
        assertThat(rng.next()).isEqualTo(0xc841eb53ebbb2ddaL);
        assertThat(rng.next()).isEqualTo(0xca466be0c9980276L);
    }

    @Test
    void nextBelow_negativeAsSigned_reducesAsUnsigned() {
        // 0xc841eb53ebbb2dda is negative as a long: % would give a negative index.
        Xorshift64Star rng = new Xorshift64Star(42);

        assertThat(rng.nextBelow(524_144)).isEqualTo(149_312);
        assertThat(rng.nextBelow(524_144)).isEqualTo(193_946);
        assertThat(rng.nextBelow(524_144)).isEqualTo(4_102);
        assertThat(rng.nextBelow(524_144)).isEqualTo(390_495);
    }

    @Test
    void staticSteps_sameAsInstance() {
        Xorshift64Star rng = new Xorshift64Star(42);
        long x = 42;
        for (int i = 0; i < 1000; i++) {
            x = Xorshift64Star.advance(x);
            assertThat(Xorshift64Star.output(x)).isEqualTo(rng.next());
        }
    }

    @Test
    void constructor_zeroSeed_refused() {
        assertThatThrownBy(() -> new Xorshift64Star(0)).hasMessageContaining("seed must not be 0");
    }
}
