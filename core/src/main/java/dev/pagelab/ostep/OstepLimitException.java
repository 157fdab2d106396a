package dev.pagelab.ostep;

/**
 * A run pagelab declines: in the compatible mode, one the script would attempt but that lies
 * beyond pagelab's limits (a number beyond the 64-bit integers pagelab computes with, where
 * Python's integers have no bound; more references than it holds in memory); with
 * {@code --pagelab}, a problem pagelab's engine cannot take (a policy without counterpart, a page
 * that is no x86 page). The message names the value and the limit.
 */
public final class OstepLimitException extends IllegalArgumentException {
    OstepLimitException(String message) {
        super(message);
    }
}
