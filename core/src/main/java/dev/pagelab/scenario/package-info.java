/**
 * Scenario files and their runner: a machine, a kernel configuration and a list of steps, each
 * one call into the kernel (or a look at it), run one after the other with what each returned
 * and what it changed.
 *
 * <ul>
 *   <li>Reading: {@link dev.pagelab.scenario.ScenarioReader} (the document and its header),
 *       {@code StepReader} (each step, {@code as:}, {@code expect:}), {@code StepArguments} and
 *       {@code YamlNodes} (every message names the file, the line and column, and what was
 *       expected), {@link dev.pagelab.scenario.ScenarioYaml} (the YAML parser, bounded).</li>
 *   <li>The steps: {@code StepCatalog}, one {@code StepKind} entry a kind (name, arguments, result,
 *       how it is read, how it runs), the records in {@link dev.pagelab.scenario.Op}, and the
 *       runners {@code HeapSteps}, {@code PagingSteps}, {@code CpuSteps}, {@code ProcessSteps},
 *       {@code LookSteps}.</li>
 *   <li>Running: {@link dev.pagelab.scenario.ScenarioRunner}; what a step changed is worked out from
 *       the kernel's {@link dev.pagelab.event.KernelEvent}s by {@code ChangeRecorder}, at the cost of
 *       the change ({@link dev.pagelab.scenario.Changes}); the log is
 *       {@link dev.pagelab.scenario.StepEvent}s and a {@link dev.pagelab.scenario.RunReport}.</li>
 * </ul>
 *
 * <h2>Seed name → code</h2>
 * A step is named for the seeds' C function it calls.
 * <table>
 *   <caption>Each step, the seed's name, and the code that runs it</caption>
 *   <tr><th>step (seed name)</th><th>runs in</th><th>calls</th></tr>
 *   <tr><td>{@code allocFrame}, {@code freeFrame}</td><td>{@code PagingSteps}</td>
 *       <td>{@link dev.pagelab.pmm.AccountedFrames#allocate}, {@link dev.pagelab.kernel.Kernel#freeFrame}</td></tr>
 *   <tr><td>{@code mapPage}, {@code unmapPage}, {@code getFrameAddr}, {@code updateFlags}</td>
 *       <td>{@code PagingSteps}</td><td>{@link dev.pagelab.paging.AddressSpace}'s methods of those names</td></tr>
 *   <tr><td>{@code kmmap}, {@code kunmap}</td><td>{@code PagingSteps}</td>
 *       <td>{@link dev.pagelab.vmm.KernelMemory#kmmap(long)}, {@link dev.pagelab.vmm.KernelMemory#kunmap(long)}</td></tr>
 *   <tr><td>{@code kmalloc} (malloc), {@code kfree} (free), {@code kcalloc}, {@code krealloc},
 *       {@code kmallocAligned}</td><td>{@code HeapSteps}</td>
 *       <td>{@link dev.pagelab.heap.KernelHeap}'s methods of those names</td></tr>
 *   <tr><td>{@code read}, {@code write}, {@code explain}, {@code invlpg} (INVLPG)</td><td>{@code CpuSteps}</td>
 *       <td>{@link dev.pagelab.hw.Mmu}</td></tr>
 *   <tr><td>{@code skipInvlpg}</td><td>{@code PagingSteps}</td>
 *       <td>{@link dev.pagelab.paging.AddressSpace#setSkipInvlpg}</td></tr>
 *   <tr><td>{@code spawn}, {@code exit}, {@code switch}, {@code access}, {@code tick}, {@code ps};
 *       {@code read}, {@code write}, {@code explain} with {@code process:}</td><td>{@code ProcessSteps}</td>
 *       <td>{@link dev.pagelab.proc.Processes} (its page-fault handler resolves the faults), after a
 *       {@code processes:} block ({@code ProcessSetupReader})</td></tr>
 *   <tr><td>{@code snapshot}, {@code check}</td><td>{@code LookSteps}</td>
 *       <td>the kernel's views; {@link dev.pagelab.kernel.Kernel#checkInvariants}</td></tr>
 * </table>
 * The file format is documented in {@code examples/README.md}.
 */
package dev.pagelab.scenario;
