package dev.pagelab.web;

/** Scenarios the tests make up, as YAML text. */
final class TestScenarios {
    private TestScenarios() {
    }

    /**
     * Frames that alternate owners: {@code pairs} times a frame for the allocator's caller and one
     * for kernel data (the allocator hands out neighbours), then every other caller's frame freed
     * again; about {@code 2 * pairs} runs of one frame.
     */
    static String interleaved(int pairs) {
        StringBuilder out = new StringBuilder("title: interleaved owners\nmachine: qemu-pc-16M\nsteps:\n");
        for (int i = 0; i < pairs; i++) {
            out.append("  - allocFrame:\n    as: a").append(i).append("\n  - allocFrame: {owner: kernel-data}\n");
        }
        for (int i = 0; i < pairs; i += 2) {
            out.append("  - freeFrame: $a").append(i).append('\n');
        }
        return out.toString();
    }
}
