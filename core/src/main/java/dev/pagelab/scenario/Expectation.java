package dev.pagelab.scenario;

/**
 * One entry of a step's {@code expect:} map: the field and the value it must have.
 *
 * @param field    what is checked
 * @param expected a {@link Value} (numbers), a {@link Boolean}, a {@link String} (text, and a list of
 *                 pages in the form {@code ProcessSteps.pages} writes), a {@link Failure.Kind}
 *                 ({@code fails}) or, for {@code fault}, a Boolean or a Value
 * @param line     where the file says so, for messages
 */
public record Expectation(Field field, Object expected, int line) {
    /** Whether this asks for the step to fail: {@code fails}, {@code fault}, or a process killed. */
    public boolean wantsFailure() {
        return (field == Field.FAILS || field == Field.FAULT) && !Boolean.FALSE.equals(expected)
                || field == Field.KILLED;
    }

    @Override
    public String toString() {
        return field.key() + ": " + (expected instanceof Failure.Kind k ? k.key() : expected);
    }
}
