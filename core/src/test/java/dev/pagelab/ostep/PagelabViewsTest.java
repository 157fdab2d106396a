package dev.pagelab.ostep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code --pagelab}: the same problem in pagelab's engines gives the script's answers where the
 * two models agree. paging-policy: pagelab replay's faults equal the script's misses for FIFO,
 * LRU, MRU and OPT on generated problems. The translation modes: the x86 walk translates exactly
 * the addresses the script translates, to the same frame and the same byte.
 */
class PagelabViewsTest {
    private static String run(String mode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Ostep.run(mode, List.of(args), new OstepEnvironment(Path.of("."), null), out, err);
        assertThat(exit).as(mode + " " + List.of(args) + ": " + err).isZero();
        return out.toString();
    }

    @Test
    void pagingPolicy_deterministicPolicies_replayFaultsEqualScriptMisses() {
        Pattern counts = Pattern.compile("hits (\\d+)   misses (\\d+)");
        int runs = 0;
        int evicting = 0;
        for (int seed = 0; seed < 40; seed++) {
            for (String policy : List.of("FIFO", "LRU", "MRU", "OPT")) {
                String cache = Integer.toString(1 + seed % 7);
                String out = run("paging-policy", "-s", Integer.toString(seed), "-n", "200", "-m",
                        Integer.toString(3 + seed), "-C", cache, "-p", policy, "--pagelab");
                Matcher m = counts.matcher(out);
                assertThat(m.find()).as(out).isTrue();
                long pagelabMisses = Long.parseLong(m.group(2));
                assertThat(m.find()).as(out).isTrue();
                long scriptMisses = Long.parseLong(m.group(2));
                assertThat(pagelabMisses).as("seed %d %s -C %s", seed, policy, cache).isEqualTo(scriptMisses);
                assertThat(out).contains("The counts agree.");
                runs++;
                evicting += scriptMisses > Long.parseLong(cache) ? 1 : 0;
            }
        }
        assertThat(evicting).as("runs that evicted").isGreaterThan(runs / 2);
    }

    @Test
    void multilevel_x86Walk_translatesAsTheScript() {
        Pattern walk = Pattern.compile("Virtual Address ([0-9a-f]+) = linear address (0x[0-9A-F]+)\n(.*?)the script: ([^\n]*)\n",
                Pattern.DOTALL);
        int translated = 0;
        int faults = 0;
        for (int seed = 0; seed < 30; seed++) {
            String out = run("paging-multilevel-translate", "-s", Integer.toString(seed), "-n", "20", "--pagelab");
            Matcher m = walk.matcher(out);
            int seen = 0;
            while (m.find()) {
                seen++;
                String x86 = m.group(3);
                String script = m.group(4);
                String where = "seed " + seed + " address " + m.group(1);
                if (script.startsWith("Translates")) {
                    translated++;
                    String paddr = script.replaceAll(".*Physical Address 0x([0-9a-f]+) .*", "$1");
                    long frame = Long.parseLong(paddr, 16) >> 5;
                    long offset = Long.parseLong(paddr, 16) & 0x1f;
                    assertThat(x86).as(where).contains(String.format("physical address 0x%08X", frame << 12 | offset));
                    assertThat(x86).as(where).contains("value: " + script.substring(script.length() - 2));
                } else {
                    faults++;
                    assertThat(x86).as(where).contains("not mapped: the page-"
                            + (script.contains("directory") ? "directory" : "table") + " entry is not present");
                }
            }
            assertThat(seen).as("seed " + seed).isEqualTo(20);
        }
        assertThat(translated).as("addresses translated").isGreaterThan(100);
        assertThat(faults).as("faults").isGreaterThan(100);
    }

    @Test
    void linear_x86Walk_translatesAsTheScript() {
        Pattern walk = Pattern.compile("Virtual Address (0x[0-9A-F]+) \\(decimal (\\d+)\\)\n(.*?)the script: ([^\n]*)\n",
                Pattern.DOTALL);
        int translated = 0;
        int invalid = 0;
        for (int seed = 0; seed < 30; seed++) {
            String out = run("paging-linear-translate", "-s", Integer.toString(seed), "-a", "64k", "-p", "256k",
                    "-n", "10", "--pagelab");
            Matcher m = walk.matcher(out);
            while (m.find()) {
                String where = "seed " + seed + " address " + m.group(1);
                String script = m.group(4);
                if (script.startsWith("Invalid")) {
                    invalid++;
                    assertThat(m.group(3)).as(where).contains("not mapped: the page-table entry is not present");
                } else {
                    translated++;
                    long paddr = Long.parseLong(script.substring(0, 8), 16);
                    assertThat(m.group(3)).as(where).contains(String.format("physical address 0x%08X", paddr));
                }
            }
        }
        assertThat(translated).isGreaterThan(50);
        assertThat(invalid).isGreaterThan(50);
    }

    @Test
    void pagelab_problemOutsideX86_declinedWithStatus2() {
        StringWriter err = new StringWriter();
        int exit = Ostep.run("paging-linear-translate", List.of("-P", "1k", "--pagelab"),
                new OstepEnvironment(Path.of("."), null), new StringWriter(), err);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("pagelab ostep paging-linear-translate: --pagelab: x86 pages are 4 KiB;"
                + " this problem's pages are 1024 bytes (-P 4k)\n");
        err = new StringWriter();
        exit = Ostep.run("paging-policy", List.of("-a", "1,2,1048576", "--pagelab"), new OstepEnvironment(Path.of("."), null),
                new StringWriter(), err);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("page 1048576 (reference 2) is not an x86 page number");
    }
}
