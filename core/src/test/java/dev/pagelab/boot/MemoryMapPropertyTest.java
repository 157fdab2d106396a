package dev.pagelab.boot;

import dev.pagelab.pmm.FrameRange;
import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sanitiser against the most naive reference there is: paint every 1 KiB chunk of a small
 * window with the highest type that covers it, then read the runs off. The window sits at 0, across
 * 4 GiB, across 2^63 (where signed comparison breaks) and just below 2^64.
 */
class MemoryMapPropertyTest {
    /** Bytes a chunk of the reference painting. */
    static final long CHUNK = 0x400;
    /** Chunks in the window: 64 KiB, sixteen 4 KiB frames. */
    static final int CHUNKS = 64;
    static final long FOUR_GIB = 1L << 32;

    /** Raw regions inside the window that starts at {@code origin}. */
    record RawMap(long origin, List<MemoryRegion> regions) {
    }

    private static final long[] ORIGINS = {0L, FOUR_GIB - 0x8000, 0x7FFF_FFFF_FFFF_8000L, 0xFFFF_FFFF_FFFE_0000L};
    /** Type codes, usable thrice as often as the rest; 0 and codes past 2^31 test the unsigned order. */
    private static final int[] TYPES = {1, 1, 1, 2, 2, 3, 4, 5, 0, 7, 12, 0xEFFF_FFFF, 0x8000_0000};

    /** Up to ten regions of up to 16 chunks, each starting on a chunk of the window, with random types. */
    static RawMap rawMap(Seeded.Case c) {
        long origin = c.oneOf(ORIGINS);
        int count = c.length(0, 10);
        List<MemoryRegion> regions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int start = c.edgy(0, CHUNKS - 1);
            int length = Math.min(c.edgy(0, 16), CHUNKS - start);
            regions.add(new MemoryRegion(origin + start * CHUNK, length * CHUNK, RegionType.of(c.oneOf(TYPES))));
        }
        return new RawMap(origin, regions);
    }

    /** Runs {@code check} on {@code cases} random maps. */
    private static void forMaps(String name, int cases, Consumer<RawMap> check) {
        Seeded.cases("MemoryMap." + name, cases).run(c -> {
            RawMap raw = rawMap(c);
            c.given(raw);
            check.accept(raw);
        });
    }

    /** The chunk painting: index = chunk, value = winning type (highest unsigned code) or null for nothing. */
    static RegionType[] paint(RawMap raw) {
        RegionType[] chunks = new RegionType[CHUNKS];
        for (MemoryRegion region : raw.regions()) {
            int first = (int) ((region.base() - raw.origin()) / CHUNK);
            for (int c = first; c < first + region.length() / CHUNK; c++) {
                chunks[c] = chunks[c] == null || region.type().unsignedCode() > chunks[c].unsignedCode() ? region.type() : chunks[c];
            }
        }
        return chunks;
    }

    static List<MemoryRegion> runs(RawMap raw, RegionType[] chunks) {
        List<MemoryRegion> out = new ArrayList<>();
        int c = 0;
        while (c < CHUNKS) {
            if (chunks[c] == null) {
                c++;
                continue;
            }
            int end = c;
            while (end < CHUNKS && chunks[c].equals(chunks[end])) {
                end++;
            }
            out.add(new MemoryRegion(raw.origin() + c * CHUNK, (end - c) * CHUNK, chunks[c]));
            c = end;
        }
        return out;
    }

    @Test
    void sanitize_smallRandomMaps_matchesChunkPainting() {
        forMaps("sanitize_smallRandomMaps", 400, raw -> {
            MemoryMap map = MemoryMap.sanitize(raw.regions()).map();

            assertThat(map.regions()).isEqualTo(runs(raw, paint(raw)));
        });
    }

    @Test
    void usableFrames_smallRandomMaps_matchWholeFramesOfPainting() {
        forMaps("usableFrames_smallRandomMaps", 400, MemoryMapPropertyTest::usableFramesMatchPainting);
    }

    private static void usableFramesMatchPainting(RawMap raw) {
        RegionType[] chunks = paint(raw);
        long frames = 0;
        long notAddressable = 0;
        long highest = MemoryMap.NO_FRAME;
        int perFrame = (int) (4096 / CHUNK);
        for (int f = 0; f < CHUNKS / perFrame; f++) {
            long paddr = raw.origin() + f * 4096L;
            boolean whole = true;
            for (int c = f * perFrame; c < (f + 1) * perFrame; c++) {
                whole &= chunks[c] != null && chunks[c].isUsable();
                if (chunks[c] != null && chunks[c].isUsable() && Long.compareUnsigned(paddr, FOUR_GIB) >= 0) {
                    notAddressable += CHUNK;
                }
            }
            if (whole && Long.compareUnsigned(paddr, FOUR_GIB) < 0) {
                frames++;
                highest = paddr >>> 12;
            }
        }

        MemoryMap map = MemoryMap.of(raw.regions());

        assertThat(map.usableFrames()).isEqualTo(frames);
        assertThat(map.usableFrameRanges().stream().mapToLong(FrameRange::frames).sum()).isEqualTo(frames);
        assertThat(map.highestUsableFrame()).isEqualTo(highest);
        assertThat(map.notAddressableBytes()).isEqualTo(notAddressable);
    }

    @Test
    void sanitize_anyMap_leavesSortedDisjointNonEmptyUnmergeableRegions() {
        forMaps("sanitize_anyMap_sortedDisjoint", 300, MemoryMapPropertyTest::sortedDisjointNonEmptyUnmergeable);
    }

    private static void sortedDisjointNonEmptyUnmergeable(RawMap raw) {
        List<MemoryRegion> regions = MemoryMap.of(raw.regions()).regions();

        for (int i = 0; i < regions.size(); i++) {
            assertThat(regions.get(i).isEmpty()).isFalse();
            if (i > 0) {
                MemoryRegion before = regions.get(i - 1);
                MemoryRegion after = regions.get(i);
                assertThat(Long.compareUnsigned(before.end(), after.base())).as("sorted, disjoint").isLessThanOrEqualTo(0);
                assertThat(before.end() == after.base() && before.type().equals(after.type())).as("merged").isFalse();
            }
        }
    }

    @Test
    void sanitize_reportsChangesExactlyWhenTheMapChanged() {
        forMaps("sanitize_reportsChanges", 300, raw -> {
            MemoryMap.Sanitized once = MemoryMap.sanitize(raw.regions());
            MemoryMap.Sanitized twice = MemoryMap.sanitize(once.map().regions());

            assertThat(once.changed()).isEqualTo(!once.map().regions().equals(raw.regions()));
            assertThat(twice.changed()).isFalse();
            assertThat(twice.map()).isEqualTo(once.map());
        });
    }

    @Test
    void e820Lines_anyMap_parseBackToTheSameMap() {
        forMaps("e820Lines_anyMap", 200, raw -> {
            MemoryMap map = MemoryMap.of(raw.regions());
            if (map.isEmpty()) {
                return;
            }

            List<MemoryRegion> parsed = E820Text.parse("lines", String.join("\n", map.e820Lines()));

            assertThat(parsed).isEqualTo(map.regions());
        });
    }
}
