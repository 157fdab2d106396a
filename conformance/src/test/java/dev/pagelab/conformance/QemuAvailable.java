package dev.pagelab.conformance;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a conformance test class only where {@code qemu-system-i386} and {@code nasm} are
 * installed. Where they are not, the class is skipped and one line goes to the standard error,
 * once for the whole run; where they are required (see {@link ConformanceTools}), the class
 * fails instead.
 */
public final class QemuAvailable implements ExecutionCondition {
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        ConditionEvaluationResult result = decide(ConformanceTools.fromEnvironment());
        if (result.isDisabled() && TOLD.compareAndSet(false, true)) {
            System.err.println(result.getReason().orElseThrow() + " (tests skipped)");
        }
        return result;
    }

    /**
     * The decision for {@code tools}; says nothing.
     *
     * @throws IllegalStateException when a tool is missing and the tools are required
     */
    static ConditionEvaluationResult decide(ConformanceTools tools) {
        if (tools.present()) {
            return ConditionEvaluationResult.enabled("qemu-system-i386 and nasm found");
        }
        String line = tools.missingLine();
        if (tools.required()) {
            throw new IllegalStateException(line + " (required here: CI is set or -D"
                    + ConformanceTools.MODE_PROPERTY + "=required)");
        }
        return ConditionEvaluationResult.disabled(line);
    }
}
