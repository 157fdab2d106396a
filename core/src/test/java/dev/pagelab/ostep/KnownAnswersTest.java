package dev.pagelab.ostep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Answers known without running the scripts: the textbooks' reference strings, Belady's anomaly,
 * the worked examples of OSTEP's chapter 22 and of the homework READMEs, and cases built by hand
 * from the scripts' rules (each comment says which rule).
 */
class KnownAnswersTest {
    static final String SILBERSCHATZ = "7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1";
    static final String BELADY = "1,2,3,4,1,2,5,1,2,3,4,5";
    static final String OSTEP_FIGURE = "0,1,2,0,1,3,0,3,1,2,1";

    record Result(int exit, String out, String err) {
    }

    static Result run(String mode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Ostep.run(mode, List.of(args), new OstepEnvironment(Path.of("."), null), out, err);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The misses of FINALSTATS. */
    static long misses(String policy, int cache, String refs) {
        Result r = run("paging-policy", "-a", refs, "-p", policy, "-C", Integer.toString(cache), "-c", "-N");
        Matcher m = Pattern.compile("FINALSTATS hits (\\d+)   misses (\\d+)   hitrate").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return Long.parseLong(m.group(2));
    }

    @ParameterizedTest(name = "{0}, {1} pages: {2} misses")
    @CsvSource({"FIFO, 3, 15", "LRU, 3, 12", "OPT, 3, 9", "FIFO, 4, 10", "LRU, 4, 8", "OPT, 4, 8"})
    void misses_silberschatzString_textbookCounts(String policy, int cache, long misses) {
        assertThat(misses(policy, cache, SILBERSCHATZ)).isEqualTo(misses);
    }

    @Test
    void misses_beladyStringFifo_moreFramesMoreMisses() {
        assertThat(misses("FIFO", 3, BELADY)).isEqualTo(9);
        assertThat(misses("FIFO", 4, BELADY)).isEqualTo(10);
        assertThat(misses("LRU", 4, BELADY)).isLessThanOrEqualTo(misses("LRU", 3, BELADY));
    }

    /** OSTEP chapter 22: OPT 6 hits (54.5%), FIFO 4 hits (36.4%), LRU 6 hits on the same stream. */
    @Test
    void finalStats_ostepFigureStream_chapter22HitRates() {
        assertThat(run("paging-policy", "-a", OSTEP_FIGURE, "-p", "OPT", "-c").out())
                .contains("FINALSTATS hits 6   misses 5   hitrate 54.55");
        assertThat(run("paging-policy", "-a", OSTEP_FIGURE, "-p", "FIFO", "-c").out())
                .contains("FINALSTATS hits 4   misses 7   hitrate 36.36");
        assertThat(run("paging-policy", "-a", OSTEP_FIGURE, "-p", "LRU", "-c").out())
                .contains("FINALSTATS hits 6   misses 5   hitrate 54.55");
    }

    /** The homework README's LRU walk-through: the list after each access, and the victims. */
    @Test
    void trace_readmeLruExample_sameListsAndVictims() {
        String out = run("paging-policy", "--addresses=" + OSTEP_FIGURE, "--policy=LRU", "--cachesize=3", "-c").out();
        assertThat(out).contains(
                "Access: 0  HIT  LRU ->    [1, 2, 0] <- MRU Replaced:- [Hits:1 Misses:3]",
                "Access: 3  MISS LRU ->    [0, 1, 3] <- MRU Replaced:2 [Hits:2 Misses:4]",
                "Access: 2  MISS LRU ->    [3, 1, 2] <- MRU Replaced:0 [Hits:5 Misses:5]",
                "Access: 1  HIT  LRU ->    [3, 2, 1] <- MRU Replaced:- [Hits:6 Misses:5]");
    }

    /** The README: seed 10 generates pages 5, 4, 5. */
    @Test
    void questions_readmeSeedTen_pages545() {
        assertThat(run("paging-policy", "-s", "10", "-n", "3").out()).contains(
                "Access: 5  Hit/Miss?  State of Memory?\nAccess: 4  Hit/Miss?  State of Memory?\n"
                        + "Access: 5  Hit/Miss?  State of Memory?\n");
    }

    /** The malloc README's example: header 4, alignment 4, best fit, address order. */
    @Test
    void malloc_readmeExample_sameAnswers() {
        String out = run("malloc", "-S", "100", "-b", "1000", "-H", "4", "-a", "4", "-l", "ADDRSORT", "-p", "BEST",
                "-n", "5", "-c").out();
        assertThat(out).contains("ptr[0] = Alloc(3) returned 1004 (searched 1 elements)\nFree List [ Size 1 ]: [ addr:1008 sz:92 ]",
                "Free List [ Size 2 ]: [ addr:1000 sz:8 ][ addr:1008 sz:92 ]",
                "ptr[1] = Alloc(5) returned 1012 (searched 2 elements)",
                "Free List [ Size 3 ]: [ addr:1000 sz:8 ][ addr:1008 sz:12 ][ addr:1020 sz:80 ]",
                "ptr[2] = Alloc(8) returned 1012 (searched 3 elements)");
        String coalesced = run("malloc", "-S", "100", "-b", "1000", "-H", "4", "-a", "4", "-l", "ADDRSORT", "-p", "BEST",
                "-n", "5", "-c", "-C").out();
        assertThat(coalesced).contains("Free(ptr[0])\nreturned 0\nFree List [ Size 1 ]: [ addr:1000 sz:100 ]");
    }

    /** The multilevel README's seed 0: the directory is in page 108. */
    @Test
    void multilevel_seedZero_pdbr108() {
        assertThat(run("paging-multilevel-translate", "-s", "0").out())
                .contains("\nPDBR: 108  (decimal) [This means the page directory is held in this page]\n");
    }

    /** OPT among pages never used again takes the rightmost (most recently loaded): 3 here, not 1. */
    @Test
    void opt_tieAmongNeverAgain_rightmostLeaves() {
        assertThat(run("paging-policy", "-a", "1,2,3,4", "-p", "OPT", "-C", "3", "-c").out())
                .contains("Access: 4  MISS Left  ->    [1, 2, 4] <- Right Replaced:3 [Hits:0 Misses:4]");
        assertThat(run("paging-policy", "-a", "1,2,3,4", "-p", "UNOPT", "-C", "3", "-c").out())
                .contains("Access: 4  MISS Left  ->    [2, 3, 4] <- Right Replaced:1 [Hits:0 Misses:4]");
    }

    /** MRU evicts the page just used before the miss: the right end. */
    @Test
    void mru_fullCache_rightEndLeaves() {
        assertThat(run("paging-policy", "-a", "1,2,3,1,4", "-p", "MRU", "-C", "3", "-c").out())
                .contains("Access: 4  MISS LRU ->    [2, 3, 4] <- MRU Replaced:1 [Hits:1 Misses:4]");
    }

    /** A victim whose page number is -1 prints as no victim, since the script tests victim == -1. */
    @Test
    void trace_victimPageMinusOne_printedAsDash() {
        assertThat(run("paging-policy", "-a", "-1,5", "-C", "1", "-c").out())
                .contains("Access: 5  MISS FirstIn ->          [5] <- Lastin  Replaced:- [Hits:0 Misses:2]");
    }

    /** malloc: alignment before the header; random mode adds the header to the returned pointer, -A does not. */
    @Test
    void malloc_headerAndAlignment_alignedFirstReturnedPerMode() {
        String listed = run("malloc", "-A", "+5", "-H", "2", "-a", "4", "-c").out();
        assertThat(listed).contains("ptr[0] = Alloc(5) returned 1000 (searched 1 elements)\n"
                + "Free List [ Size 1 ]: [ addr:1010 sz:90 ]");
        String failed = run("malloc", "-A", "+500", "-H", "8", "-c").out();
        assertThat(failed).contains("ptr[0] = Alloc(500) returned -1 (searched 1 elements)");
        String randomFailed = run("malloc", "-S", "4", "-H", "3", "-P", "100", "-n", "2", "-c").out();
        assertThat(randomFailed).contains(" returned 2 (searched 1 elements)");
    }

    /** malloc -A: the second free of the same block returns -1; an index past the allocations is skipped. */
    @Test
    void malloc_listedFrees_doubleFreeAndSkip() {
        String out = run("malloc", "-A", "+5,-0,-0,-1", "-c").out();
        assertThat(out).contains("Free(ptr[0])\nreturned 0\n", "Free(ptr[0])\nreturned -1\n",
                "Invalid Free: Skipping\n");
    }

    /** malloc coalescing merges list neighbours only: INSERT-FRONT leaves touching chunks apart. */
    @Test
    void malloc_coalesce_listNeighboursOnly() {
        String out = run("malloc", "-A", "+10,+10,+10,-0,-1", "-C", "-l", "INSERT-FRONT", "-p", "FIRST", "-c").out();
        assertThat(out).endsWith("Free List [ Size 3 ]: [ addr:1010 sz:10 ][ addr:1000 sz:10 ][ addr:1030 sz:70 ]\n\n");
    }

    /** linear: a page size of 0 divides by zero after the size checks. */
    @Test
    void linear_zeroPageSize_zeroDivision() {
        Result r = run("paging-linear-translate", "-P", "0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ZeroDivisionError: float division by zero\n");
    }

    /** optparse: -n10, --seed=3, --see 3, -cN all parse; ambiguous and unknown options fail with status 2. */
    @Test
    void parse_optparseSpellings_sameRunOrSameError() {
        String expected = run("paging-policy", "-s", "3", "-n", "10", "-c", "-N").out();
        assertThat(run("paging-policy", "--seed=3", "-n10", "-cN").out()).isEqualTo(expected);
        assertThat(run("paging-policy", "--see", "3", "--num=10", "--comp", "--not").out()).isEqualTo(expected);
        Result ambiguous = run("paging-policy", "--c", "3");
        assertThat(ambiguous.exit()).isEqualTo(2);
        assertThat(ambiguous.err()).isEqualTo("Usage: paging-policy.py [options]\n\n"
                + "paging-policy.py: error: ambiguous option: --c (--cachesize, --clockbits, --compute?)\n");
        assertThat(run("malloc", "--pagelab").err()).endsWith("malloc.py: error: no such option: --pagelab\n");
    }
}
