package dev.pagelab.replay;

import java.util.List;

/**
 * What a replay found.
 *
 * @param config     how it ran
 * @param allocation the frames each process got under local scope, null under global scope
 * @param policies   one result a policy, in the order given
 * @param inMemory   whether the stream was held in memory first (OPT, sizes from the traces, or a
 *                   trace with pids under local scope)
 */
public record ReplayResult(ReplayConfig config, FrameAllocation allocation, List<PolicyResult> policies,
                           boolean inMemory) {
    public ReplayResult {
        policies = List.copyOf(policies);
    }

    /** The result of the policy called {@code name}. */
    public PolicyResult policy(String name) {
        for (PolicyResult result : policies) {
            if (result.policy().equals(name)) {
                return result;
            }
        }
        throw new IllegalArgumentException("no policy '" + name + "' in this replay");
    }
}
