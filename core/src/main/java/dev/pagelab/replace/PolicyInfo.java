package dev.pagelab.replace;

import java.util.Objects;

/**
 * What the registry knows of a policy before making one.
 *
 * @param name               the name the command line and files use ({@code lru}, {@code clock-pro})
 * @param summary            one line for help texts
 * @param visibility         what it needs to be shown of hits
 * @param needsFuture        whether it needs {@code nextUse} (OPT): the owner must then know the
 *                           whole reference string before it starts
 * @param variableAllocation whether it may shrink its resident set through {@link Pool#release}
 *                           (working set, PFF): it then may hold fewer pages than its frames
 */
public record PolicyInfo(String name, String summary, Visibility visibility, boolean needsFuture,
                         boolean variableAllocation) {
    public PolicyInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(visibility, "visibility");
        if (name.isBlank() || !name.equals(name.strip())) {
            throw new IllegalArgumentException("policy name '" + name + "' is blank or has spaces around it");
        }
    }
}
