package dev.pagelab.paging;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.TlbConfig;
import dev.pagelab.kernel.Boot;
import dev.pagelab.pmm.AccountedFrames;
import dev.pagelab.pmm.FrameAccounting;
import dev.pagelab.pmm.FrameAllocator;
import dev.pagelab.pmm.FrameAllocatorConfig;
import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.util.List;

/** A machine booted as far as the higher half: the loader, the kernel entry, an allocator, paging on. */
record PagingFixture(Boot boot, Mmu mmu, AccountedFrames frames, KernelPaging paging) {

    static PagingFixture boot(String machine, TableAccessStrategy strategy, boolean largePages, String allocatorName) {
        Boot boot = Boot.run(MachineProfiles.byName(machine), KernelImage.builtIn(KernelImage.DEFAULT_BYTES), List.of(),
                "", LowMemory.FIRST_MIB);
        Mmu mmu = new Mmu(boot.memory(), TlbConfig.DEFAULT);
        mmu.setCr0(Mmu.CR0_PE);
        FrameAllocator allocator = FrameAllocatorRegistry.builtIn().create(allocatorName,
                new FrameAllocatorConfig(boot.memory(), boot.report().freeFrameRanges()));
        AccountedFrames frames = new AccountedFrames(allocator, FrameAccounting.of(boot.report().layout(), allocator));
        long ramTop = Addresses.pfnToPaddr(boot.report().map().highestUsableFrame() + 1);
        KernelPaging paging = KernelPaging.enable(mmu, frames, boot.kernel(), strategy, largePages, ramTop);
        return new PagingFixture(boot, mmu, frames, paging);
    }

    static PagingFixture boot(TableAccessStrategy strategy) {
        return boot("qemu-pc-16M", strategy, false, "bitmap");
    }

    AddressSpace space() {
        return paging.space();
    }

    AddressSpaces spaces() {
        return paging.space().spaces();
    }

    /** A new address space (a process's directory), which must succeed. */
    AddressSpace newSpace() {
        AddressSpaces.CreateResult r = spaces().create();
        if (!(r instanceof AddressSpaces.CreateResult.Created created)) {
            throw new IllegalStateException("create: " + r);
        }
        return created.space();
    }

    /** The directory entry {@code pdi} of {@code space}, read behind the MMU's back. */
    int pde(AddressSpace space, int pdi) {
        return entryAt(space.directoryPaddr() + 4L * pdi);
    }

    /** A frame from the allocator, held as "allocated". */
    long frame() {
        long pfn = frames.allocate(dev.pagelab.pmm.FrameOwner.ALLOCATED);
        if (pfn < 0) {
            throw new IllegalStateException("out of frames");
        }
        return pfn;
    }

    /** The 32-bit entry at {@code paddr}, read behind the MMU's back (no A bits, no TLB). */
    int entryAt(long paddr) {
        return boot.memory().read32(paddr);
    }
}
