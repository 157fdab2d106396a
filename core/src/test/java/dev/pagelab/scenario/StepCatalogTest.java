package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The catalog of step kinds against the records it reads into and the documentation of the format. */
class StepCatalogTest {
    @Test
    void kinds_everyOpRecord_hasExactlyOneEntryNamedAfterIt() {
        List<Class<?>> records = new ArrayList<>();
        collect(Op.class, records);

        List<Class<?>> types = StepCatalog.kinds().stream().<Class<?>>map(StepKind::type).toList();
        assertThat(types).containsExactlyInAnyOrderElementsOf(records);
        for (StepKind<?> kind : StepCatalog.kinds()) {
            String simple = kind.type().getSimpleName();
            assertThat(kind.name()).as(simple).isEqualTo(Character.toLowerCase(simple.charAt(0)) + simple.substring(1));
            assertThat(StepCatalog.byName(kind.name())).isSameAs(kind);
        }
        assertThat(ScenarioReader.STEP_NAMES).isEqualTo(StepCatalog.names()).doesNotHaveDuplicates();
    }

    @Test
    void kinds_readmeTable_listsEveryStepWithItsArgumentsTheFirstFirst() throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| `([A-Za-z]+)` \\| (.*?) \\| .*$");
        for (String line : Files.readAllLines(Path.of("..", "examples", "README.md"))) {
            Matcher m = row.matcher(line);
            if (m.matches() && StepCatalog.names().contains(m.group(1))) {
                rows.put(m.group(1), m.group(2));
            }
        }

        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(StepCatalog.names());
        for (StepKind<?> kind : StepCatalog.kinds()) {
            String documented = rows.get(kind.name());
            List<String> quoted = new ArrayList<>();
            Matcher word = Pattern.compile("`([a-z-]+)`").matcher(documented);
            while (word.find()) {
                quoted.add(word.group(1));
            }
            List<String> keys = kind.arguments().stream().map(Argument::key).toList();
            List<String> named = quoted.stream().filter(keys::contains).distinct().toList();
            // Every argument, and first the one a single value gives (write's doc groups size with value).
            assertThat(named).as(kind.name() + ": " + documented).containsExactlyInAnyOrderElementsOf(keys);
            if (!keys.isEmpty()) {
                assertThat(named.get(0)).as(kind.name() + ": the first argument").isEqualTo(keys.get(0));
            }
            if (keys.isEmpty()) {
                assertThat(documented).as(kind.name()).isEqualTo("none");
            }
        }
    }

    private static void collect(Class<?> type, List<Class<?>> out) {
        if (type.isRecord()) {
            out.add(type);
            return;
        }
        for (Class<?> sub : type.getPermittedSubclasses()) {
            collect(sub, out);
        }
    }
}
