package dev.pagelab.curve;

/**
 * Implicit max segment trees: {@code tree[1]} the root, {@code tree[leaves + k]} leaf k, each
 * inner node the max of its two children ({@code leaves} a power of two). Used over the OPT
 * stack's next uses ({@link OptStack}) and over blocks of a pool's distances
 * ({@link OptWritebacks}).
 */
final class MaxTrees {
    private MaxTrees() {
    }

    /**
     * The first leaf at or after {@code from} whose value is above {@code value}, or −1: up from the
     * leaf while the subtrees to the right hold nothing above, then down the leftmost one that does.
     */
    static int firstAbove(int[] tree, int leaves, int from, int value) {
        if (from >= leaves) {
            return -1;
        }
        int i = leaves + from;
        while (tree[i] <= value) {
            // On to the subtree just right of this one: up while a right child, then across.
            while ((i & 1) == 1) {
                i >>>= 1;
            }
            if (i == 0) {
                return -1;
            }
            i++;
        }
        while (i < leaves) {
            i <<= 1;
            if (tree[i] <= value) {
                i++;
            }
        }
        return i - leaves;
    }
}
