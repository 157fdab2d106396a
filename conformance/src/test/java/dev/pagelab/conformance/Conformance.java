package dev.pagelab.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test class that runs QEMU: skipped, or failed when required, without the tools ({@link QemuAvailable}). */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("conformance")
@ExtendWith(QemuAvailable.class)
public @interface Conformance {
}
