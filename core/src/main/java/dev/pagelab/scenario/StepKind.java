package dev.pagelab.scenario;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One kind of scenario step, everything about it in one entry of the {@link StepCatalog}: its
 * name in a file, the {@link Op} record it reads into, its arguments, what its result is (what
 * {@code as:} names and which fields {@code expect:} may test), whether it uses the kernel heap,
 * how to read it and how to run it.
 *
 * @param name      the step's name in a file, as the seeds name the C function: {@code mapPage}
 * @param type      the record a step of this kind is read into
 * @param arguments its arguments, in the order they are read; the first is what a single value gives
 * @param result    what {@code as:} names for a step, or null when it gives no number
 * @param fields    the fields its result reports beyond the {@linkplain Field#COMMON common} ones and {@link Field#VALUE}
 * @param usesHeap  whether it calls the kernel heap (reports leave the heap out until a step has)
 * @param reader    makes the step from its arguments, read as {@code arguments} says
 * @param runner    makes the call into the kernel and fills in the result
 */
record StepKind<O extends Op>(String name, Class<O> type, List<Argument> arguments, Function<O, Quantity> result,
                              Function<O, Set<Field>> fields, boolean usesHeap, Reader<O> reader, Runner<O> runner) {
    /** Makes a step of the kind from its arguments. */
    @FunctionalInterface
    interface Reader<O> {
        /**
         * @param a the step's arguments, read as the kind declares them
         * @throws ScenarioException naming the node that is wrong
         */
        O read(StepArguments a);
    }

    /** Runs a step of the kind. */
    @FunctionalInterface
    interface Runner<O> {
        /**
         * Makes the step's one call into the kernel and records what it returned in {@code r}; an
         * expected failure is {@link StepResult#fail}, misuse and page faults are thrown.
         */
        void run(O op, StepContext c, StepResult r);
    }

    StepKind {
        arguments = List.copyOf(arguments);
    }

    /** Reads a step of this kind: its arguments in order, then the kind's own reader. */
    Op read(StepArguments a) {
        a.readAll(arguments);
        return reader.read(a);
    }

    /** Runs {@code op}, which is of this kind. */
    void run(Op op, StepContext c, StepResult r) {
        runner.run(type.cast(op), c, r);
    }

    /** What {@code as:} names for {@code op}, or null. */
    Quantity resultOf(Op op) {
        return result.apply(type.cast(op));
    }

    /** The fields {@code op}'s result reports beyond the common ones. */
    Set<Field> fieldsOf(Op op) {
        Set<Field> out = EnumSet.noneOf(Field.class);
        if (resultOf(op) != null) {
            out.add(Field.VALUE);
        }
        out.addAll(fields.apply(type.cast(op)));
        return out;
    }
}
