package dev.pagelab.scenario;

/**
 * What a number in a scenario stands for, so that the reader can refuse {@code kfree: $frame}
 * (a frame number where a virtual address belongs) before anything runs.
 */
public enum Quantity {
    /** A virtual (linear) address: what kmalloc and kmmap return, what mapPage maps. */
    VIRTUAL_ADDRESS("a virtual address"),
    /** A physical frame number ({@code paddr >>> 12}): what allocFrame returns. */
    FRAME("a frame number"),
    /** A physical address: what getFrameAddr returns. */
    PHYSICAL_ADDRESS("a physical address"),
    /** A plain number: a size, a count, a value read; goes wherever a number does. */
    NUMBER("a number");

    private final String label;

    Quantity(String label) {
        this.label = label;
    }

    /** {@code "a frame number"}, for messages. */
    public String label() {
        return label;
    }

    /**
     * Whether a name holding this may be given where {@code wanted} is expected: the same
     * quantity, or a plain number on either side (a value read may be an address; an address
     * may be written as a value).
     */
    public boolean fits(Quantity wanted) {
        return this == wanted || this == NUMBER || wanted == NUMBER;
    }
}
