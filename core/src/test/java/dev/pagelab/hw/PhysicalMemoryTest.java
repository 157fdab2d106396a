package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhysicalMemoryTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;

    /** 64 KiB, RAM but for one hole page at 0x5000. */
    private static PhysicalMemory smallWithHole() {
        return PhysicalMemory.builder(64 * KIB).hole(0x5000, 0x1000).build();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- sparseness

    @Test
    void ofSize_4GiB_startsWithNoTouchedPagesAndReadsZero() {
        PhysicalMemory memory = PhysicalMemory.ofSize(4 * GIB);

        assertThat(memory.sizeBytes()).isEqualTo(4 * GIB);
        assertThat(memory.read32(0)).isZero();
        assertThat(memory.read64(0xFFFF_FFF8L)).isZero();
        assertThat(memory.readBytes(0x8000_0000L, 5000)).containsOnly(0);
        assertThat(memory.touchedPages()).isZero();
    }

    @Test
    void write_fewFramesOf4GiB_touchesOnlyThoseFrames() {
        PhysicalMemory memory = PhysicalMemory.ofSize(4 * GIB);

        memory.write8(0x0000_0000L, 1);
        memory.write32(0x0000_0FFCL, 2);           // same frame as above
        memory.write64(0x8000_0000L, 3);
        memory.write16(0xFFFF_FFFEL, 4);          // the very last bytes
        memory.write32(0x4000_0FFEL, 0x11223344); // crosses into a second frame

        assertThat(memory.touchedPages()).isEqualTo(5);
        assertThat(memory.read8(0)).isEqualTo(1);
        assertThat(memory.read32(0x0FFC)).isEqualTo(2);
        assertThat(memory.read64(0x8000_0000L)).isEqualTo(3);
        assertThat(memory.read16(0xFFFF_FFFEL)).isEqualTo(4);
        assertThat(memory.read32(0x4000_0FFEL)).isEqualTo(0x11223344);
    }

    @Test
    void read_untouchedRam_returnsZeroOnEveryWidthWithoutTouching() {
        PhysicalMemory memory = smallWithHole();

        assertThat(memory.read8(0x1234)).isZero();
        assertThat(memory.read16(0x1234)).isZero();
        assertThat(memory.read32(0x1234)).isZero();
        assertThat(memory.read64(0x1234)).isZero();
        assertThat(memory.read32(0x1FFE)).isZero();
        assertThat(memory.readBytes(0x1000, 3000)).containsOnly(0);
        assertThat(memory.touchedPages()).isZero();
        assertThat(memory.holeReads()).isZero();
    }

    // ---------------------------------------------------------------- holes

    @Test
    void read_hole_returnsAllOnesOnEveryWidthAndCountsEachByte() {
        PhysicalMemory memory = smallWithHole();

        assertThat(memory.read8(0x5000)).isEqualTo(0xFF);
        assertThat(memory.read16(0x5002)).isEqualTo(0xFFFF);
        assertThat(memory.read32(0x5004)).isEqualTo(0xFFFF_FFFF);
        assertThat(memory.read64(0x5008)).isEqualTo(-1L);
        assertThat(memory.readBytes(0x5100, 100)).containsOnly((byte) 0xFF);

        assertThat(memory.holeReads()).isEqualTo(1 + 2 + 4 + 8 + 100);
        assertThat(memory.droppedWrites()).isZero();
    }

    @Test
    void write_hole_isDroppedOnEveryWidthAndCountedPerByte() {
        PhysicalMemory memory = smallWithHole();

        memory.write8(0x5000, 0);
        memory.write16(0x5010, 0);
        memory.write32(0x5020, 0);
        memory.write64(0x5030, 0);
        memory.writeBytes(0x5100, new byte[100]);
        memory.fill(0x5200, 50, 0);
        memory.fill(0x5300, 20, 0x5A);

        assertThat(memory.droppedWrites()).isEqualTo(1 + 2 + 4 + 8 + 100 + 50 + 20);
        assertThat(memory.touchedPages()).isZero();
        assertThat(memory.readBytes(0x5000, 0x1000)).containsOnly((byte) 0xFF);
    }

    @Test
    void isRam_holeRamAndOutside_answeredPerPage() {
        PhysicalMemory memory = smallWithHole();

        assertThat(memory.isRam(0x4FFF)).isTrue();
        assertThat(memory.isRam(0x5000)).isFalse();
        assertThat(memory.isRam(0x5FFF)).isFalse();
        assertThat(memory.isRam(0x6000)).isTrue();
        assertThat(memory.isRam(0xFFFF)).isTrue();
        assertThat(memory.isRam(0x1_0000)).isFalse();
        assertThat(memory.isRam(-1)).isFalse();
    }

    @Test
    void holes_twoDeclared_returnStartEndPairsInOrderAsACopy() {
        PhysicalMemory memory = PhysicalMemory.builder(1 * MIB)
                .hole(0xA_0000, 0x6_0000)
                .hole(0x1000, 0x2000)
                .build();

        var holes = memory.holes();
        assertThat(holes).hasSize(2);
        assertThat(holes.get(0)).containsExactly(0xA_0000L, 0x10_0000L);
        assertThat(holes.get(1)).containsExactly(0x1000L, 0x3000L);

        holes.get(0)[0] = 0;
        holes.clear();
        assertThat(memory.holes()).hasSize(2);
        assertThat(memory.holes().get(0)).containsExactly(0xA_0000L, 0x10_0000L);
    }

    // ---------------------------------------------------------------- byte order

    @Test
    void write32_littleEndian_lowByteAtLowestAddress() {
        PhysicalMemory memory = smallWithHole();

        memory.write32(0x100, 0x11223344);

        assertThat(memory.readBytes(0x100, 4)).containsExactly(bytes(0x44, 0x33, 0x22, 0x11));
        assertThat(memory.read16(0x100)).isEqualTo(0x3344);
        assertThat(memory.read16(0x102)).isEqualTo(0x1122);
        assertThat(memory.read8(0x103)).isEqualTo(0x11);
    }

    @Test
    void write16_littleEndian_writesOnlyLow16BitsAndNoNeighbour() {
        PhysicalMemory memory = smallWithHole();
        memory.fill(0x1FE, 6, 0xEE);

        memory.write16(0x200, 0xABCD_1234);

        assertThat(memory.readBytes(0x1FE, 6)).containsExactly(bytes(0xEE, 0xEE, 0x34, 0x12, 0xEE, 0xEE));
    }

    @Test
    void write8_value_writesOnlyLow8Bits() {
        PhysicalMemory memory = smallWithHole();
        memory.fill(0x1FF, 3, 0xEE);

        memory.write8(0x200, 0x1AB);

        assertThat(memory.readBytes(0x1FF, 3)).containsExactly(bytes(0xEE, 0xAB, 0xEE));
    }

    @Test
    void write64_littleEndian_lowByteAtLowestAddress() {
        PhysicalMemory memory = smallWithHole();

        memory.write64(0x300, 0x0102_0304_0506_0708L);

        assertThat(memory.readBytes(0x300, 8)).containsExactly(bytes(8, 7, 6, 5, 4, 3, 2, 1));
        assertThat(memory.read32(0x300)).isEqualTo(0x0506_0708);
        assertThat(memory.read32(0x304)).isEqualTo(0x0102_0304);
    }

    @Test
    void read_littleEndianBytes_assembledLowByteFirst() {
        PhysicalMemory memory = smallWithHole();
        memory.writeBytes(0x400, bytes(0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8));

        assertThat(memory.read8(0x400)).isEqualTo(0xF1);
        assertThat(memory.read16(0x400)).isEqualTo(0xF2F1);
        assertThat(memory.read32(0x400)).isEqualTo(0xF4F3_F2F1);
        assertThat(memory.read64(0x400)).isEqualTo(0xF8F7_F6F5_F4F3_F2F1L);
    }

    @Test
    void read_highBitSet_read8And16AreUnsignedAndRead32IsTheRawInt() {
        PhysicalMemory memory = smallWithHole();
        memory.write32(0x500, 0xFFFF_FFFE);

        assertThat(memory.read8(0x500)).isEqualTo(0xFE);
        assertThat(memory.read16(0x502)).isEqualTo(0xFFFF);
        assertThat(memory.read32(0x500)).isEqualTo(-2);
        assertThat(Integer.toUnsignedLong(memory.read32(0x500))).isEqualTo(0xFFFF_FFFEL);
    }

    // ---------------------------------------------------------------- page and hole boundaries

    static Stream<Arguments> crossingAccesses() {
        return Stream.of(0x0FF9, 0x0FFA, 0x0FFB, 0x0FFC, 0x0FFD, 0x0FFE, 0x0FFF)
                .map(paddr -> Arguments.of((long) paddr));
    }

    @ParameterizedTest
    @MethodSource("crossingAccesses")
    void write64_crossingPageBoundary_splitsBytesOverBothPages(long paddr) {
        PhysicalMemory memory = smallWithHole();

        memory.write64(paddr, 0x8877_6655_4433_2211L);

        assertThat(memory.readBytes(paddr, 8)).containsExactly(bytes(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88));
        assertThat(memory.read64(paddr)).isEqualTo(0x8877_6655_4433_2211L);
        assertThat(memory.touchedPages()).isEqualTo(2);
        assertThat(memory.read8(0x1000)).isEqualTo(0x11 + 0x11 * (int) (0x1000 - paddr));
    }

    @ParameterizedTest
    @ValueSource(longs = {0x0FFD, 0x0FFE, 0x0FFF})
    void write32_crossingPageBoundary_readsBackAtEveryWidth(long paddr) {
        PhysicalMemory memory = smallWithHole();

        memory.write32(paddr, 0xA1B2_C3D4);

        assertThat(memory.read32(paddr)).isEqualTo(0xA1B2_C3D4);
        assertThat(memory.read16(paddr)).isEqualTo(0xC3D4);
        assertThat(memory.read16(paddr + 2)).isEqualTo(0xA1B2);
        assertThat(memory.readBytes(paddr, 4)).containsExactly(bytes(0xD4, 0xC3, 0xB2, 0xA1));
    }

    @Test
    void write16_lastByteOfPage_splitsOverTwoPages() {
        PhysicalMemory memory = smallWithHole();

        memory.write16(0x1FFF, 0xBEEF);

        assertThat(memory.read8(0x1FFF)).isEqualTo(0xEF);
        assertThat(memory.read8(0x2000)).isEqualTo(0xBE);
        assertThat(memory.read16(0x1FFF)).isEqualTo(0xBEEF);
    }

    @Test
    void write64_crossingFromRamIntoHole_keepsRamPartAndDropsHolePart() {
        PhysicalMemory memory = smallWithHole();

        memory.write64(0x4FFC, 0x8877_6655_4433_2211L);

        assertThat(memory.droppedWrites()).isEqualTo(4);
        assertThat(memory.readBytes(0x4FFC, 4)).containsExactly(bytes(0x11, 0x22, 0x33, 0x44));
        assertThat(memory.read64(0x4FFC)).isEqualTo(0xFFFF_FFFF_4433_2211L);
        assertThat(memory.holeReads()).isEqualTo(4);
    }

    @Test
    void write32_crossingFromHoleIntoRam_keepsOnlyRamPart() {
        PhysicalMemory memory = smallWithHole();

        memory.write32(0x5FFE, 0x4433_2211);

        assertThat(memory.droppedWrites()).isEqualTo(2);
        assertThat(memory.read32(0x5FFE)).isEqualTo(0x4433_FFFF);
        assertThat(memory.read16(0x6000)).isEqualTo(0x4433);
    }

    @Test
    void read16_crossingFromRamIntoHole_highByteIsFF() {
        PhysicalMemory memory = smallWithHole();
        memory.write8(0x4FFF, 0x12);

        assertThat(memory.read16(0x4FFF)).isEqualTo(0xFF12);
        assertThat(memory.holeReads()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- bulk

    @Test
    void writeBytes_acrossSeveralPages_readsBackInBulkAndByByte() {
        PhysicalMemory memory = smallWithHole();
        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }

        memory.writeBytes(0x0F00, data);

        assertThat(memory.readBytes(0x0F00, data.length)).containsExactly(data);
        assertThat(memory.read8(0x0F00 + 4321)).isEqualTo(data[4321] & 0xFF);
        assertThat(memory.touchedPages()).isEqualTo(4); // 0x0000..0x3FFF
    }

    @Test
    void writeBytes_offsetAndLength_copyOnlyThatSlice() {
        PhysicalMemory memory = smallWithHole();

        memory.writeBytes(0x10, bytes(1, 2, 3, 4, 5, 6), 2, 3);
        byte[] dst = bytes(9, 9, 9, 9, 9, 9);
        memory.readBytes(0x0F, dst, 1, 4);

        assertThat(memory.readBytes(0x10, 4)).containsExactly(bytes(3, 4, 5, 0));
        assertThat(dst).containsExactly(bytes(9, 0, 3, 4, 5, 9));
    }

    @Test
    void writeBytes_acrossHole_dropsHoleBytesAndKeepsTheRest() {
        PhysicalMemory memory = smallWithHole();
        byte[] data = new byte[0x1200];
        Arrays.fill(data, (byte) 0x42);

        memory.writeBytes(0x4F00, data);

        byte[] back = memory.readBytes(0x4F00, data.length);
        assertThat(Arrays.copyOfRange(back, 0, 0x100)).containsOnly(0x42);
        assertThat(Arrays.copyOfRange(back, 0x100, 0x1100)).containsOnly((byte) 0xFF);
        assertThat(Arrays.copyOfRange(back, 0x1100, 0x1200)).containsOnly(0x42);
        assertThat(memory.droppedWrites()).isEqualTo(0x1000);
        assertThat(memory.holeReads()).isEqualTo(0x1000);
    }

    @Test
    void readBytes_zeroLengthAtEnd_isAllowed() {
        PhysicalMemory memory = smallWithHole();

        assertThat(memory.readBytes(64 * KIB, 0)).isEmpty();
    }

    @Test
    void fill_spanningPages_setsEveryByteToLow8Bits() {
        PhysicalMemory memory = smallWithHole();

        memory.fill(0x0800, 0x2000, 0x1AB);

        assertThat(memory.readBytes(0x0800, 0x2000)).containsOnly((byte) 0xAB);
        assertThat(memory.read8(0x07FF)).isZero();
        assertThat(memory.read8(0x2800)).isZero();
    }

    @Test
    void fill_zeroOnUntouchedPage_leavesItUntouched() {
        PhysicalMemory memory = smallWithHole();

        memory.fill(0, 64 * KIB, 0);

        assertThat(memory.touchedPages()).isZero();
        assertThat(memory.readBytes(0, 0x5000)).containsOnly(0);
    }

    @Test
    void fill_zeroOnTouchedPage_clearsIt() {
        PhysicalMemory memory = smallWithHole();
        memory.fill(0x1000, 0x1000, 0x77);

        memory.fill(0x1100, 0x100, 0);

        assertThat(memory.readBytes(0x1100, 0x100)).containsOnly(0);
        assertThat(memory.read8(0x10FF)).isEqualTo(0x77);
        assertThat(memory.read8(0x1200)).isEqualTo(0x77);
    }

    static Stream<Arguments> overlappingCopies() {
        return Stream.of(
                Arguments.of(Named.of("dst above src (backwards)", 0x1010L), 0x1010L + 100, 10_000L),
                Arguments.of(Named.of("dst below src (forwards)", 0x1010L + 100), 0x1010L, 10_000L),
                Arguments.of(Named.of("dst one page above", 0x0800L), 0x1800L, 0x3000L),
                Arguments.of(Named.of("dst one byte below", 0x0801L), 0x0800L, 0x2100L),
                Arguments.of(Named.of("disjoint", 0x0100L), 0x8000L, 0x1234L),
                Arguments.of(Named.of("same place", 0x0100L), 0x0100L, 0x1234L));
    }

    @ParameterizedTest
    @MethodSource("overlappingCopies")
    void copy_overlappingRanges_behavesAsMemmove(long src, long dst, long length) {
        PhysicalMemory memory = PhysicalMemory.ofSize(64 * KIB);
        byte[] model = new byte[(int) (64 * KIB)];
        for (int i = 0; i < 0x5000; i++) {
            model[i] = (byte) (i ^ (i >>> 8) ^ 0x5A);
        }
        memory.writeBytes(0, model, 0, 0x5000);

        memory.copy(src, dst, length);
        System.arraycopy(model, (int) src, model, (int) dst, (int) length); // memmove semantics

        assertThat(memory.readBytes(0, model.length)).isEqualTo(model);
    }

    @Test
    void copy_fromHoleIntoRam_copiesFFAndFromRamIntoHoleDrops() {
        PhysicalMemory memory = smallWithHole();
        memory.fill(0x1000, 0x10, 0x33);

        memory.copy(0x5000, 0x2000, 0x10);
        memory.copy(0x1000, 0x5800, 0x10);

        assertThat(memory.readBytes(0x2000, 0x10)).containsOnly((byte) 0xFF);
        assertThat(memory.readBytes(0x5800, 0x10)).containsOnly((byte) 0xFF);
        assertThat(memory.droppedWrites()).isEqualTo(0x10);
    }

    // ---------------------------------------------------------------- bounds

    static Stream<Arguments> outOfBoundsAccesses() {
        long size = 64 * KIB;
        return Stream.of(
                oob("read8", size, m -> m.read8(size)),
                oob("read16", size - 1, m -> m.read16(size - 1)),
                oob("read32", size - 3, m -> m.read32(size - 3)),
                oob("read64", size - 7, m -> m.read64(size - 7)),
                oob("read64", -8, m -> m.read64(-8)),
                oob("write8", size, m -> m.write8(size, 1)),
                oob("write16", size - 1, m -> m.write16(size - 1, 0x0101)),
                oob("write32", size - 2, m -> m.write32(size - 2, -1)),
                oob("write64", size - 4, m -> m.write64(size - 4, -1L)),
                oob("write8", -1, m -> m.write8(-1, 1)),
                oob("readBytes", size - 10, m -> m.readBytes(size - 10, 11)),
                oob("writeBytes", size - 10, m -> m.writeBytes(size - 10, new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})),
                oob("writeBytes", 0x1_0000_0000L, m -> m.writeBytes(0x1_0000_0000L, new byte[] {1})),
                oob("fill", size - 0x1000, m -> m.fill(size - 0x1000, 0x1001, 0x11)),
                oob("copy (source)", size - 4, m -> m.copy(size - 4, 0, 5)),
                oob("copy (destination)", size - 4, m -> m.copy(0, size - 4, 5)));
    }

    private static Arguments oob(String operation, long paddr, Consumer<PhysicalMemory> access) {
        return Arguments.of(Named.of(operation + " at " + Addresses.hex(paddr), operation), paddr, access);
    }

    @ParameterizedTest
    @MethodSource("outOfBoundsAccesses")
    void access_outsideMemory_throwsNamingOperationAndHexAddressAndChangesNothing(
            String operation, long paddr, Consumer<PhysicalMemory> access) {
        PhysicalMemory memory = smallWithHole();
        memory.fill(0, 16, 0x11); // so that a copy from 0 would change something
        byte[] before = memory.readBytes(0, (int) (64 * KIB));
        long touched = memory.touchedPages();
        long holeReads = memory.holeReads();

        assertThatThrownBy(() -> access.accept(memory))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining(operation)
                .hasMessageContaining(Addresses.hex(paddr));

        assertThat(memory.touchedPages()).isEqualTo(touched);
        assertThat(memory.droppedWrites()).isZero();
        assertThat(memory.holeReads()).isEqualTo(holeReads);
        assertThat(memory.readBytes(0, (int) (64 * KIB))).isEqualTo(before);
    }

    @Test
    void readBytes_destinationTooShort_throwsBeforeReading() {
        PhysicalMemory memory = smallWithHole();
        byte[] dst = new byte[4];

        assertThatThrownBy(() -> memory.readBytes(0x5000, dst, 2, 4))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(dst).containsOnly(0);
    }

    @Test
    void readAndWrite_lastBytesOf4GiB_areInBounds() {
        PhysicalMemory memory = PhysicalMemory.ofSize(PhysicalMemory.MAX_BYTES);

        memory.write64(0xFFFF_FFF8L, -2L);

        assertThat(memory.read64(0xFFFF_FFF8L)).isEqualTo(-2L);
        assertThatThrownBy(() -> memory.read8(0x1_0000_0000L))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("0x100000000");
    }

    // ---------------------------------------------------------------- builder

    @ParameterizedTest
    @ValueSource(longs = {0, -4096, 4095, 4097, 0x1_0000_1000L, 0x2_0000_0000L})
    void builder_sizeNotAPageMultipleUpTo4GiB_throwsNamingTheSize(long size) {
        assertThatThrownBy(() -> PhysicalMemory.builder(size))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Addresses.hex(size));
    }

    @Test
    void builder_sizeOfOnePageAndOf4GiB_areAccepted() {
        assertThatCode(() -> PhysicalMemory.ofSize(4096)).doesNotThrowAnyException();
        assertThatCode(() -> PhysicalMemory.ofSize(4 * GIB)).doesNotThrowAnyException();
    }

    static Stream<Arguments> badHoles() {
        return Stream.of(
                Arguments.of(0x1001L, 0x1000L),   // start not aligned
                Arguments.of(0x1000L, 0x0800L),   // length not aligned
                Arguments.of(0x1000L, 0L),        // empty
                Arguments.of(0x1000L, -0x1000L),  // negative length
                Arguments.of(-0x1000L, 0x2000L),  // negative start
                Arguments.of(0xF000L, 0x2000L),   // runs past the end
                Arguments.of(0x1_0000L, 0x1000L)); // starts at the end
    }

    @ParameterizedTest
    @MethodSource("badHoles")
    void hole_misalignedEmptyOrOutside_throwsNamingTheRange(long paddr, long length) {
        PhysicalMemory.Builder builder = PhysicalMemory.builder(64 * KIB);

        assertThatThrownBy(() -> builder.hole(paddr, length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hole [" + Addresses.hex(paddr));
    }

    @Test
    void hole_lengthOverflowingLong_throwsIllegalArgument() {
        // paddr + bytes wraps to a negative long and slips past "paddr + bytes > sizeBytes".
        PhysicalMemory.Builder builder = PhysicalMemory.builder(64 * KIB);

        assertThatThrownBy(() -> builder.hole(0x1000, Long.MAX_VALUE - 0xFFF))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builder_overlappingHoles_areAccepted() {
        PhysicalMemory memory = PhysicalMemory.builder(64 * KIB).hole(0x1000, 0x3000).hole(0x2000, 0x3000).build();

        assertThat(memory.isRam(0x0FFF)).isTrue();
        assertThat(memory.isRam(0x1000)).isFalse();
        assertThat(memory.isRam(0x4FFF)).isFalse();
        assertThat(memory.isRam(0x5000)).isTrue();
    }

    @Test
    void words_window_sameBytesBothWaysAcrossAPageBoundary() {
        PhysicalMemory memory = PhysicalMemory.ofSize(1 << 20);
        PhysicalMemory.Words words = memory.words(0x1FF0, 4); // two words in page 1, two in page 2

        words.set(2, 0x1122_3344_5566_7788L);
        memory.write64(0x1FF8, -2L);

        assertThat(memory.read8(0x2000)).isEqualTo(0x88); // little-endian, the first byte of page 2
        assertThat(words.get(1)).isEqualTo(-2L);
        assertThat(words.length()).isEqualTo(4);
        assertThatThrownBy(() -> words.get(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void words_holeOrMisaligned_refusedNamingTheAddress() {
        PhysicalMemory memory = PhysicalMemory.builder(1 << 20).hole(0xA0000, 0x60000).build();
        assertThatThrownBy(() -> memory.words(0x9F000, 1024)).hasMessageContaining("page 0x000A0000")
                .hasMessageContaining("is not RAM");
        assertThatThrownBy(() -> memory.words(0x1004, 1)).hasMessageContaining("8-byte aligned");
        assertThatThrownBy(() -> memory.words(0xFFFF8, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
