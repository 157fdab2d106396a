package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MacroBenchTest {
    @Test
    void run_tinyRounds_countsEveryTranslationAndReportsProgress() {
        List<String> progress = new ArrayList<>();
        MacroBench.Settings settings = new MacroBench.Settings(0.01, 3, 0.01);

        MacroBench.Result result = MacroBench.run(TranslateWorkload.Pattern.WALK, settings, progress::add);

        assertThat(result.rounds()).hasSize(3);
        long translations = result.rounds().stream().mapToLong(MacroBench.Round::translations).sum();
        assertThat(translations).isPositive();
        assertThat(result.counters().accesses()).isEqualTo(translations);
        assertThat(result.counters().walks()).isEqualTo(translations);
        assertThat(result.tlbHitRate()).isZero();
        assertThat(result.min()).isPositive().isLessThanOrEqualTo(result.median());
        assertThat(result.median()).isLessThanOrEqualTo(result.max());
        assertThat(result.stddev()).isNotNegative();
        assertThat(progress).hasSize(4).first().asString().startsWith("walk: warm-up");
    }

    @Test
    void run_noWarmup_oneRound_stillMeasures() {
        MacroBench.Result result = MacroBench.run(TranslateWorkload.Pattern.TLB_HIT,
                new MacroBench.Settings(0, 1, 0.001), line -> { });

        assertThat(result.rounds()).hasSize(1);
        assertThat(result.rounds().get(0).translations()).isGreaterThanOrEqualTo(MacroBench.CHUNK);
        assertThat(result.tlbHitRate()).isGreaterThan(0.99);
        assertThat(result.stddev()).isZero();
    }

    @Test
    void settings_badValues_namedInTheMessage() {
        assertThatThrownBy(() -> new MacroBench.Settings(1, 0, 1)).hasMessageContaining("rounds 0");
        assertThatThrownBy(() -> new MacroBench.Settings(1, 1, 0)).hasMessageContaining("0.0 s");
        assertThatThrownBy(() -> new MacroBench.Settings(-1, 1, 1)).hasMessageContaining("-1.0 s");
        assertThatThrownBy(() -> new MacroBench.Settings(1, 1, Double.NaN)).hasMessageContaining("NaN");
    }

    @Test
    void result_statistics_fromRounds() {
        MacroBench.Result result = new MacroBench.Result(TranslateWorkload.Pattern.WALK, "", MacroBench.Settings.DEFAULT,
                List.of(new MacroBench.Round(300, 1_000_000_000), new MacroBench.Round(100, 1_000_000_000),
                        new MacroBench.Round(200, 1_000_000_000), new MacroBench.Round(400, 1_000_000_000)),
                new TranslateWorkload(TranslateWorkload.Pattern.WALK).mmu().stats().snapshot(), 0, false);

        assertThat(result.median()).isEqualTo(250);
        assertThat(result.min()).isEqualTo(100);
        assertThat(result.max()).isEqualTo(400);
        assertThat(result.mean()).isEqualTo(250);
        assertThat(result.stddev()).isCloseTo(129.099, org.assertj.core.data.Offset.offset(0.001));
    }
}
