package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.paging.PageEntries;
import java.util.BitSet;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class SwapDeviceTest {
    @Test
    void allocate_freshDevice_givesSlotsInOrderThenMinusOneWhenFull() {
        SwapDevice swap = new SwapDevice(3, 0);
        assertThat(new int[] {swap.allocate(), swap.allocate(), swap.allocate()}).containsExactly(0, 1, 2);
        assertThat(swap.used()).isEqualTo(3);
        assertThat(swap.free()).isZero();
        assertThat(swap.allocate()).as("full").isEqualTo(-1);
        assertThat(swap.used()).as("nothing changed when full").isEqualTo(3);
        swap.checkInvariants();
    }

    @Test
    void allocate_afterReleases_givesTheLowestFreeSlot() {
        SwapDevice swap = new SwapDevice(200, 0);
        for (int i = 0; i < 200; i++) {
            swap.allocate();
        }
        swap.release(130);
        swap.release(7);
        swap.release(64);
        assertThat(swap.allocate()).isEqualTo(7);
        assertThat(swap.allocate()).isEqualTo(64);
        assertThat(swap.allocate()).isEqualTo(130);
        assertThat(swap.allocate()).isEqualTo(-1);
    }

    @Test
    void allocateAndRelease_randomSequence_alwaysTheLowestFreeSlotAsABitSetSays() {
        for (long seed = 0; seed < 20; seed++) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            int slots = 1 + random.nextInt(300);
            SwapDevice swap = new SwapDevice(slots, 0);
            BitSet used = new BitSet();
            int fulls = 0;
            for (int step = 0; step < 2_000; step++) {
                if (random.nextInt(3) != 0) {
                    int expected = used.nextClearBit(0) < slots ? used.nextClearBit(0) : -1;
                    fulls += expected < 0 ? 1 : 0;
                    assertThat(swap.allocate()).as("seed %d step %d: allocate", seed, step).isEqualTo(expected);
                    if (expected >= 0) {
                        used.set(expected);
                    }
                } else if (!used.isEmpty()) {
                    int slot = used.nextSetBit(random.nextInt(slots));
                    slot = slot < 0 ? used.nextSetBit(0) : slot;
                    swap.release(slot);
                    used.clear(slot);
                }
                assertThat(swap.used()).as("seed %d step %d", seed, step).isEqualTo(used.cardinality());
            }
            swap.checkInvariants();
            assertThat(fulls).as("seed %d: allocations on a full device", seed).isPositive();
        }
    }

    @Test
    void release_freeOrOutOfRangeSlot_throwsNamingItAndChangesNothing() {
        SwapDevice swap = new SwapDevice(4, 0);
        swap.allocate();
        assertThatThrownBy(() -> swap.release(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("release: swap slot 1 is not in use");
        assertThatThrownBy(() -> swap.release(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slot 4 is outside 0 … 3");
        assertThatThrownBy(() -> swap.release(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(swap.used()).isEqualTo(1);
        swap.release(0);
        assertThatThrownBy(() -> swap.release(0)).hasMessageContaining("not in use");
    }

    @Test
    void entryOf_everySlot_roundTripsIsNeverPresentAndNeverZero() {
        for (int slot = 0; slot < SwapDevice.MAX_SLOTS; slot += slot < 4096 ? 1 : 4093) {
            int entry = SwapDevice.entryOf(slot);
            assertThat(SwapDevice.slotOf(entry)).as("slot %d", slot).isEqualTo(slot);
            assertThat(Pte.isPresent(entry)).as("slot %d: P", slot).isFalse();
            assertThat(entry).as("slot %d", slot).isNotZero();
            assertThat(PageEntries.isSwapEntry(entry)).as("slot %d: a swap entry to the page tables", slot).isTrue();
        }
        int last = SwapDevice.MAX_SLOTS - 1;
        assertThat(SwapDevice.slotOf(SwapDevice.entryOf(last))).isEqualTo(last);
        assertThat(Integer.toUnsignedLong(SwapDevice.entryOf(last)) >>> 12).isEqualTo(last);
    }

    @Test
    void entryOf_slotOutsideTheField_throws() {
        assertThatThrownBy(() -> SwapDevice.entryOf(SwapDevice.MAX_SLOTS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(SwapDevice.MAX_SLOTS));
        assertThatThrownBy(() -> SwapDevice.entryOf(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slotOf_presentOrEmptyOrOtherEntry_isMinusOne() {
        assertThat(SwapDevice.slotOf(0)).as("the empty entry").isEqualTo(-1);
        assertThat(SwapDevice.slotOf(Pte.make(0x123, Pte.PRESENT | Pte.WRITABLE))).as("a present entry").isEqualTo(-1);
        assertThat(SwapDevice.slotOf(SwapDevice.entryOf(5) | Pte.PRESENT)).as("P set").isEqualTo(-1);
        assertThat(SwapDevice.slotOf(SwapDevice.entryOf(5) | 0x40)).as("another low bit").isEqualTo(-1);
    }

    @Test
    void writeThenRead_pageWithData_comesBackByteForByteAndIsCounted() {
        PhysicalMemory memory = PhysicalMemory.ofSize(64 * Addresses.PAGE_BYTES);
        byte[] page = new byte[Addresses.PAGE_BYTES];
        for (int i = 0; i < page.length; i++) {
            page[i] = (byte) (i * 31 + 7);
        }
        memory.writeBytes(Addresses.pfnToPaddr(3), page);
        SwapDevice swap = new SwapDevice(8, 1_000);
        int slot = swap.allocate();
        swap.write(slot, memory, 3);
        memory.fill(Addresses.pfnToPaddr(3), Addresses.PAGE_BYTES, 0);
        assertThat(swap.contents(slot)).isEqualTo(page);
        swap.read(slot, memory, 9);
        assertThat(memory.readBytes(Addresses.pfnToPaddr(9), Addresses.PAGE_BYTES)).isEqualTo(page);
        swap.read(slot, memory, 10);
        assertThat(memory.readBytes(Addresses.pfnToPaddr(10), Addresses.PAGE_BYTES)).as("the slot keeps its copy")
                .isEqualTo(page);
        assertThat(new long[] {swap.pagesWritten(), swap.pagesRead(), swap.ioNanos()}).containsExactly(1, 2, 3_000);
        swap.checkInvariants();
    }

    @Test
    void write_zeroPage_isStoredAsNothingAndReadsBackAsZeros() throws Exception {
        PhysicalMemory memory = PhysicalMemory.ofSize(16 * Addresses.PAGE_BYTES);
        SwapDevice swap = new SwapDevice(2, 0);
        int slot = swap.allocate();
        memory.write8(Addresses.pfnToPaddr(1) + 100, 0x5A);
        swap.write(slot, memory, 1);
        assertThat(stored(swap, slot)).as("a page with data is stored").isNotNull();
        memory.fill(Addresses.pfnToPaddr(1), Addresses.PAGE_BYTES, 0);
        swap.write(slot, memory, 1);
        assertThat(stored(swap, slot)).as("a page of zeros costs nothing").isNull();
        memory.fill(Addresses.pfnToPaddr(2), Addresses.PAGE_BYTES, 0xEE);
        swap.read(slot, memory, 2);
        assertThat(memory.readBytes(Addresses.pfnToPaddr(2), Addresses.PAGE_BYTES)).as("read back over old bytes")
                .isEqualTo(new byte[Addresses.PAGE_BYTES]);
        assertThat(swap.contents(slot)).isEqualTo(new byte[Addresses.PAGE_BYTES]);
    }

    @Test
    void release_slotWithData_dropsItsContents() throws Exception {
        PhysicalMemory memory = PhysicalMemory.ofSize(16 * Addresses.PAGE_BYTES);
        SwapDevice swap = new SwapDevice(2, 0);
        int slot = swap.allocate();
        memory.write8(Addresses.pfnToPaddr(1), 1);
        swap.write(slot, memory, 1);
        swap.release(slot);
        assertThat(stored(swap, slot)).isNull();
        assertThat(swap.allocate()).isEqualTo(slot);
        assertThat(swap.contents(slot)).as("a slot taken again starts empty").isEqualTo(new byte[Addresses.PAGE_BYTES]);
        swap.checkInvariants();
    }

    @Test
    void readWriteContents_freeSlot_throw() {
        PhysicalMemory memory = PhysicalMemory.ofSize(16 * Addresses.PAGE_BYTES);
        SwapDevice swap = new SwapDevice(2, 0);
        assertThatThrownBy(() -> swap.write(0, memory, 1)).hasMessageContaining("write: swap slot 0 is not in use");
        assertThatThrownBy(() -> swap.read(1, memory, 1)).hasMessageContaining("read: swap slot 1 is not in use");
        assertThatThrownBy(() -> swap.contents(0)).hasMessageContaining("contents: swap slot 0 is not in use");
    }

    @Test
    void constructor_badSizeOrCost_throws() {
        assertThatThrownBy(() -> new SwapDevice(-1, 0)).hasMessageContaining("not -1");
        assertThatThrownBy(() -> new SwapDevice(SwapDevice.MAX_SLOTS + 1, 0)).hasMessageContaining("slots");
        assertThatThrownBy(() -> new SwapDevice(1, -5)).hasMessageContaining("-5 ns");
        SwapDevice none = new SwapDevice(0, 0);
        assertThat(none.allocate()).isEqualTo(-1);
        none.checkInvariants();
    }

    /** The device's stored page of {@code slot}: null for a page of zeros (the class comment's promise). */
    private static byte[] stored(SwapDevice swap, int slot) throws ReflectiveOperationException {
        var field = SwapDevice.class.getDeclaredField("pages");
        field.setAccessible(true);
        return ((byte[][]) field.get(swap))[slot];
    }
}
