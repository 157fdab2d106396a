package dev.pagelab.scenario;

/**
 * One argument of a step kind, as its {@link StepKind} declares it: the key a scenario file gives
 * it under, and how its value is read. The first argument of a kind is also what a single value
 * gives ({@code kmalloc: 100}). The reader reads a step's arguments in the order the kind lists
 * them, so the first problem in a step is always reported the same way.
 *
 * @param key       the key in the file: {@code vaddr}
 * @param type      how the value is read
 * @param quantity  for a number, what it stands for (a {@code $name} must fit it); null otherwise
 * @param otherwise for an optional flag, its value when the key is not given
 */
record Argument(String key, Type type, Quantity quantity, boolean otherwise) {
    /** How an argument's value is read. */
    enum Type {
        /** A number or {@code $name[+offset]}, required. */
        NUMBER,
        /** {@code true} or {@code false}, optional, with a default. */
        FLAG,
        /** {@code true} or {@code false}, required. */
        REQUIRED_FLAG,
        /** A frame owner a scenario may name ({@code allocated}, {@code kernel-data}), optional. */
        OWNER,
        /** Any node, optional, read by the kind's own reader (text, a list, a number with rules of its own). */
        NODE,
        /** The name of a process an earlier step spawned, required. */
        PROCESS,
        /** The name of a process an earlier step spawned, optional. */
        OPTIONAL_PROCESS
    }

    /** A required number standing for {@code quantity}. */
    static Argument number(String key, Quantity quantity) {
        return new Argument(key, Type.NUMBER, quantity, false);
    }

    /** An optional flag, {@code otherwise} when not given. */
    static Argument flag(String key, boolean otherwise) {
        return new Argument(key, Type.FLAG, null, otherwise);
    }

    /** A required flag. */
    static Argument requiredFlag(String key) {
        return new Argument(key, Type.REQUIRED_FLAG, null, false);
    }

    /** An optional frame owner, {@code allocated} when not given. */
    static Argument owner(String key) {
        return new Argument(key, Type.OWNER, null, false);
    }

    /** The name of a process spawned by an earlier step; {@code required} or not. */
    static Argument process(String key, boolean required) {
        return new Argument(key, required ? Type.PROCESS : Type.OPTIONAL_PROCESS, null, false);
    }

    /** An optional node the kind reads itself. */
    static Argument node(String key) {
        return new Argument(key, Type.NODE, null, false);
    }
}
