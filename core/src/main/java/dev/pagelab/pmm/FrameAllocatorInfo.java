package dev.pagelab.pmm;

import java.util.Objects;

/**
 * What the registry knows of a frame allocator before making one.
 *
 * @param name    the name the command line and scenario files use ({@code bitmap}, {@code free-list})
 * @param summary one line for help texts and pictures
 * @param canFree whether it takes frames back: {@link FrameAllocator#canFree()} of every allocator
 *                it makes (the bump allocator's is false); commands that free, such as
 *                {@code pagelab bench paging}, offer only those that can
 */
public record FrameAllocatorInfo(String name, String summary, boolean canFree) {
    public FrameAllocatorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        if (name.isBlank() || !name.equals(name.strip())) {
            throw new IllegalArgumentException("frame allocator name '" + name + "' is blank or has spaces around it");
        }
    }
}
