package dev.pagelab.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

    @Provide
    Arbitrary<RawMap> rawMaps() {
        Arbitrary<Long> origin = Arbitraries.of(0L, FOUR_GIB - 0x8000, 0x7FFF_FFFF_FFFF_8000L, 0xFFFF_FFFF_FFFE_0000L);
        Arbitrary<RegionType> type = Arbitraries.of(1, 1, 1, 2, 2, 3, 4, 5, 0, 7, 12, 0xEFFF_FFFF, 0x8000_0000)
                .map(RegionType::of);
        Arbitrary<int[]> span = Combinators.combine(Arbitraries.integers().between(0, CHUNKS - 1),
                Arbitraries.integers().between(0, 16)).as((start, length) -> new int[] {start, Math.min(length, CHUNKS - start)});
        Arbitrary<List<int[]>> spans = span.list().ofMaxSize(10);
        Arbitrary<List<RegionType>> types = type.list().ofSize(10);
        return Combinators.combine(origin, spans, types).as((o, s, t) -> {
            List<MemoryRegion> regions = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                regions.add(new MemoryRegion(o + s.get(i)[0] * CHUNK, s.get(i)[1] * CHUNK, t.get(i)));
            }
            return new RawMap(o, regions);
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

    @Property(tries = 400)
    void sanitize_smallRandomMaps_matchesChunkPainting(@ForAll("rawMaps") RawMap raw) {
        MemoryMap map = MemoryMap.sanitize(raw.regions()).map();

        assertThat(map.regions()).isEqualTo(runs(raw, paint(raw)));
    }

    @Property(tries = 400)
    void usableFrames_smallRandomMaps_matchWholeFramesOfPainting(@ForAll("rawMaps") RawMap raw) {
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

    @Property(tries = 300)
    void sanitize_anyMap_leavesSortedDisjointNonEmptyUnmergeableRegions(@ForAll("rawMaps") RawMap raw) {
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

    @Property(tries = 300)
    void sanitize_reportsChangesExactlyWhenTheMapChanged(@ForAll("rawMaps") RawMap raw) {
        MemoryMap.Sanitized once = MemoryMap.sanitize(raw.regions());
        MemoryMap.Sanitized twice = MemoryMap.sanitize(once.map().regions());

        assertThat(once.changed()).isEqualTo(!once.map().regions().equals(raw.regions()));
        assertThat(twice.changed()).isFalse();
        assertThat(twice.map()).isEqualTo(once.map());
    }

    @Property(tries = 200)
    void e820Lines_anyMap_parseBackToTheSameMap(@ForAll("rawMaps") RawMap raw) {
        MemoryMap map = MemoryMap.of(raw.regions());
        if (map.isEmpty()) {
            return;
        }

        List<MemoryRegion> parsed = E820Text.parse("lines", String.join("\n", map.e820Lines()));

        assertThat(parsed).isEqualTo(map.regions());
    }
}
