/**
 * The OSTEP-compatible mode: the four memory homework simulators of <i>Operating Systems: Three
 * Easy Pieces</i> ({@code remzi-arpacidusseau/ostep-homework}) as their Python 3 scripts run,
 * reimplemented here. {@link dev.pagelab.ostep.Ostep#run} is the one entry point: the script's
 * arguments in, its stdout, stderr and exit status out.
 *
 * <table>
 *   <caption>Where each part of a script lives</caption>
 *   <tr><th>the script's</th><th>code</th></tr>
 *   <tr><td>{@code random.seed}, {@code random.random} (and friends)</td>
 *       <td>{@link dev.pagelab.ostep.PythonRandom}: CPython's MT19937 stream, bit for bit</td></tr>
 *   <tr><td>{@code optparse} options, errors, {@code --help} layout</td>
 *       <td>{@code OptParser}, {@code HelpWrap} ({@code textwrap})</td></tr>
 *   <tr><td>{@code int()}, {@code repr()}, {@code %} formats</td><td>{@code Py}</td></tr>
 *   <tr><td>uncaught exceptions, {@code exit(1)}</td><td>{@code PythonError}, {@code ScriptExit}</td></tr>
 *   <tr><td>paging-policy.py</td>
 *       <td>{@code PagingPolicy}, {@code References}, {@code AddressFile}, {@code PolicyMachine}</td></tr>
 *   <tr><td>malloc.py</td><td>{@code MallocSim}, {@code FreeList}</td></tr>
 *   <tr><td>paging-multilevel-translate.py</td><td>{@code MultilevelTranslate}</td></tr>
 *   <tr><td>paging-linear-translate.py</td><td>{@code LinearTranslate}</td></tr>
 *   <tr><td>(pagelab's {@code --pagelab})</td>
 *       <td>{@code PagingPolicyInReplay} (the replay engine), {@code X86View} (the MMU's walks)</td></tr>
 *   <tr><td>the scripts' surprises</td><td>{@link dev.pagelab.ostep.OstepQuirk}</td></tr>
 * </table>
 *
 * <p>Deliberate differences: a traceback is printed as its last line; numbers beyond 64 bits and
 * runs beyond the memory limits are declined ({@link dev.pagelab.ostep.OstepLimitException}).
 */
package dev.pagelab.ostep;
