package dev.pagelab.replace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What the registry says of each built-in policy: what it must be shown, whether it needs the future. */
class BuiltInPoliciesTest {
    @Test
    void builtIn_order_classicPoliciesFirst() {
        assertThat(PolicyRegistry.builtIn().names()).startsWith(
                "fifo", "lru", "mru", "opt", "random", "clock", "esc", "nru", "aging", "lfu");
    }

    @ParameterizedTest(name = "{0}: {1}, future {2}")
    @CsvSource({
            "fifo, HARDWARE_BITS, false", "lru, EVERY_REFERENCE, false", "mru, EVERY_REFERENCE, false",
            "opt, EVERY_REFERENCE, true", "random, HARDWARE_BITS, false", "clock, HARDWARE_BITS, false",
            "esc, HARDWARE_BITS, false", "nru, HARDWARE_BITS, false", "aging, HARDWARE_BITS, false",
            "lfu, EVERY_REFERENCE, false",
    })
    void builtIn_info_visibilityAndFuture(String name, Visibility visibility, boolean future) {
        PolicyInfo info = PolicyRegistry.builtIn().info(name);
        assertThat(info.visibility()).as(name).isEqualTo(visibility);
        assertThat(info.needsFuture()).as(name).isEqualTo(future);
        assertThat(info.variableAllocation()).as(name).isFalse();
    }

    @Test
    void tickingPolicies_tickInterval_fromConfig() {
        PolicyConfig config = PolicyConfig.DEFAULTS.withTickInterval(123);
        PolicyDriver pool = new PolicyDriver(4);
        assertThat(new NruPolicy(config, pool).tickInterval()).isEqualTo(123);
        assertThat(new AgingPolicy(config, pool).tickInterval()).isEqualTo(123);
        assertThat(new ClockPolicy(config, pool).tickInterval()).isZero();
    }
}
