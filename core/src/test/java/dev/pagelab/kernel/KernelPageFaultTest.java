package dev.pagelab.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.event.KernelEvent;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.CpuStats;
import dev.pagelab.hw.FaultHandler;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.WalkExplanation;
import dev.pagelab.paging.MapResult;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernel's page-fault handler on the CPU: a resolver that maps a page on first touch makes a
 * user access succeed after exactly one fault; without one, the fault is the access's result;
 * either way the kernel reports each fault it saw as an event.
 */
class KernelPageFaultTest {
    private static final long USER_VADDR = 0x0040_0ABCL;

    private static Kernel kernel(TableAccessStrategy strategy) {
        return Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withTableAccess(strategy));
    }

    /** Demand-zero in four lines: a fresh frame, zeroed, mapped user-writable at the faulting page. */
    private static FaultHandler mapOnFirstTouch(Kernel k, List<Long> faultedPages) {
        return fault -> {
            long page = Addresses.alignDown(fault.linearAddress());
            faultedPages.add(page);
            long pfn = k.frames().allocate(FrameOwner.PROCESS);
            if (pfn == FrameAllocator.NO_FRAME) {
                return FaultHandler.Resolution.UNHANDLED;
            }
            k.memory().writeBytes(Addresses.pfnToPaddr(pfn), new byte[Addresses.PAGE_BYTES], 0, Addresses.PAGE_BYTES);
            MapResult r = k.space().mapPage(page, pfn, Pte.WRITABLE | Pte.USER);
            return r.mapped() ? FaultHandler.Resolution.RESOLVED : FaultHandler.Resolution.UNHANDLED;
        };
    }

    private static List<KernelEvent.PageFaulted> faults(List<KernelEvent> events) {
        return events.stream().filter(KernelEvent.PageFaulted.class::isInstance)
                .map(KernelEvent.PageFaulted.class::cast).toList();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void userRead_unmappedPageResolverMapsIt_succeedsAfterExactlyOneFault(TableAccessStrategy strategy) {
        Kernel k = kernel(strategy);
        List<KernelEvent> events = new ArrayList<>();
        k.events().listen(events::add);
        List<Long> faulted = new ArrayList<>();
        k.setFaultResolver(mapOnFirstTouch(k, faulted));
        long faultsBefore = k.mmu().stats().faults();

        k.cpu().setCpl(3);
        int first = k.cpu().read32(USER_VADDR);
        int second = k.cpu().read32(USER_VADDR + 4);
        k.cpu().setCpl(0);

        assertThat(first).isZero();
        assertThat(second).isZero();
        assertThat(faulted).containsExactly(Addresses.alignDown(USER_VADDR));
        assertThat(k.mmu().stats().faults() - faultsBefore).isEqualTo(1);
        assertThat(k.view().cpuStats().snapshot()).isEqualTo(new CpuStats.Snapshot(1, 0, 0));
        assertThat(faults(events)).singleElement().satisfies(e -> {
            assertThat(e.resolved()).isTrue();
            assertThat(e.fault().linearAddress()).isEqualTo(USER_VADDR);
            assertThat(e.fault().errorCode()).as("user read, not present").isEqualTo(PageFault.ERR_USER);
        });
        assertThat(events.indexOf(faults(events).get(0))).as("the event follows the mapping the resolver made")
                .isGreaterThan(0);
        k.checkInvariants();
    }

    @Test
    void userWrite_unmappedPageResolverMapsIt_oneFaultAndTheLeafIsDirty() {
        Kernel k = kernel(TableAccessStrategy.TEMPORARY_MAPPING);
        List<Long> faulted = new ArrayList<>();
        k.setFaultResolver(mapOnFirstTouch(k, faulted));

        k.cpu().setCpl(3);
        k.cpu().write32(USER_VADDR, 0x5EED);
        assertThat(k.cpu().read32(USER_VADDR)).isEqualTo(0x5EED);
        k.cpu().setCpl(0);

        assertThat(faulted).hasSize(1);
        WalkExplanation walk = k.view().explain(USER_VADDR);
        int pte = walk.steps().get(1).entry();
        assertThat(pte & (Pte.ACCESSED | Pte.DIRTY)).isEqualTo(Pte.ACCESSED | Pte.DIRTY);
        k.checkInvariants();
    }

    @Test
    void read_noResolver_faultIsTheResultAndTheEventSaysNotHandled() {
        Kernel k = kernel(TableAccessStrategy.RECURSIVE);
        List<KernelEvent> events = new ArrayList<>();
        k.events().listen(events::add);

        k.cpu().setCpl(3);
        PageFaultException thrown = org.junit.jupiter.api.Assertions.assertThrows(PageFaultException.class,
                () -> k.cpu().write8(USER_VADDR, 1));
        assertThat(k.cpu().cpl()).isEqualTo(3);
        k.cpu().setCpl(0);

        assertThat(thrown.fault().linearAddress()).isEqualTo(USER_VADDR);
        assertThat(thrown.fault().errorCode()).isEqualTo(PageFault.ERR_USER | PageFault.ERR_WRITE);
        assertThat(thrown.fault().cause()).isEqualTo(PageFault.Cause.DIRECTORY_NOT_PRESENT);
        assertThat(k.view().registers().cr2()).isEqualTo(USER_VADDR);
        assertThat(events).containsExactly(new KernelEvent.PageFaulted(thrown.fault(), false));
        assertThat(k.view().cpuStats().faultsUnhandled()).isEqualTo(1);
    }

    @Test
    void access_throughTheMmuAlone_neverReachesTheKernelsHandler() {
        Kernel k = kernel(TableAccessStrategy.TEMPORARY_MAPPING);
        List<KernelEvent> events = new ArrayList<>();
        k.events().listen(events::add);
        int[] calls = new int[1];
        k.setFaultResolver(fault -> {
            calls[0]++;
            return FaultHandler.Resolution.RESOLVED;
        });

        assertThatThrownBy(() -> k.mmu().read32(USER_VADDR)).isInstanceOf(PageFaultException.class);
        assertThat(calls[0]).isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void setFaultResolver_returnsThePreviousAndRefusesNull() {
        Kernel k = kernel(TableAccessStrategy.TEMPORARY_MAPPING);
        FaultHandler mine = fault -> FaultHandler.Resolution.UNHANDLED;

        assertThat(k.setFaultResolver(mine)).isSameAs(FaultHandler.NONE);
        assertThatThrownBy(() -> k.setFaultResolver(null)).isInstanceOf(NullPointerException.class);
        assertThat(k.setFaultResolver(FaultHandler.NONE)).isSameAs(mine);
    }
}
