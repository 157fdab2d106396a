package dev.pagelab.cli;

import dev.pagelab.pmm.FrameAllocatorRegistry;
import java.util.ListResourceBundle;

/**
 * The help lines that list the frame allocators, made from the registry rather than written out:
 * picocli reads them as a resource bundle ({@code Main}'s, which every subcommand inherits), each
 * by its option's {@code descriptionKey}. Picocli's {@code ${COMPLETION-CANDIDATES}} would join
 * the names with commas only; these read "bitmap, bump, free-list or buddy".
 */
public final class AllocatorHelp extends ListResourceBundle {
    /** {@code --allocator} of the commands that build a kernel ({@link KernelOptions}). */
    static final String KERNEL = "pagelab.allocator.kernel";
    /** {@code --allocator} of the commands that run a scenario ({@link ScenarioOptions}). */
    static final String SCENARIO = "pagelab.allocator.scenario";

    @Override
    protected Object[][] getContents() {
        String names = FrameAllocatorRegistry.builtIn().namesText();
        return new Object[][] {
            {KERNEL, "The frame allocator: " + names + " (default: ${DEFAULT-VALUE})."},
            {SCENARIO, "Use this frame allocator instead of the scenario's: " + names + "."},
        };
    }
}
