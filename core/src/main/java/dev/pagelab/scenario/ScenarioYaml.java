package dev.pagelab.scenario;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * A scenario's text as a YAML node tree, within limits that no scenario comes near and every
 * hostile file passes: the size, the nesting depth, and the aliases of collections. Every
 * problem is a {@link ScenarioException} at a line and column.
 *
 * <p>snakeyaml-engine builds the tree recursively (a Java stack frame or two a level), so a file
 * nested thousands deep ({@code note: [[[[...]]]]}) would end in a {@link StackOverflowError};
 * and an alias repeats a whole collection, so ten levels of ten aliases each make a tree of 10^10
 * nodes from a few hundred bytes ("billion laughs"). Its parser, which only produces events, is
 * a state machine with a stack of its own. So the text is parsed twice: first into events, which
 * are counted (depth, aliases of anchored collections) with their marks, then, when the counts are
 * within the limits, composed into nodes.
 */
final class ScenarioYaml {
    /** The most a scenario file may hold, in bytes (and so in code points): snakeyaml-engine's default limit. */
    static final int MAX_BYTES = 3 << 20;
    /** Collections nested deeper than this are refused; a scenario needs at most about 6. */
    static final int MAX_DEPTH = 50;
    /** Aliases of collections beyond this are refused; snakeyaml-engine's default. */
    static final int MAX_COLLECTION_ALIASES = 50;

    private ScenarioYaml() {
    }

    /**
     * The root node of {@code text}, or empty for an empty document.
     *
     * @param source the file's name, for messages
     * @throws ScenarioException naming the line and column of a syntax error, a character YAML
     *                           does not allow, the collection nested too deep or the alias too many
     */
    static Optional<Node> compose(String source, String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setCodePointLimit(MAX_BYTES)
                .setMaxAliasesForCollections(MAX_COLLECTION_ALIASES).build();
        try {
            checkLimits(source, new Parse(settings).parseString(text));
            return new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
            String problem = "not valid YAML: " + (e.getContext() == null ? "" : e.getContext() + ", ") + e.getProblem();
            if (mark.isEmpty()) {
                throw new ScenarioException(source, problem);
            }
            throw at(source, mark.get(), problem);
        } catch (ReaderException e) {
            int[] lineColumn = lineColumn(text, e.getPosition());
            throw new ScenarioException(source, lineColumn[0], lineColumn[1], "not valid YAML: character "
                    + String.format("U+%04X", e.getCodePoint()) + " is not allowed in a YAML file (control characters"
                    + " other than tab and line breaks must be written as escapes in a double-quoted string, \"\\x01\")");
        } catch (YamlEngineException e) {
            throw new ScenarioException(source, "not valid YAML: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // The YAML library refuses some tags this way, without a position (found by fuzzing: '!1%1a').
            throw new ScenarioException(source, "not valid YAML: " + e.getMessage());
        }
    }

    /** Walks the events: depth and aliases of collections within the limits. */
    private static void checkLimits(String source, Iterable<Event> events) {
        Set<String> collectionAnchors = new HashSet<>();
        int depth = 0;
        int aliases = 0;
        for (Event event : events) {
            if (event instanceof CollectionStartEvent start) {
                if (++depth > MAX_DEPTH) {
                    throw at(source, event.getStartMark().orElseThrow(), "collections nested more than " + MAX_DEPTH
                            + " deep (expected a scenario: a mapping of steps a few levels deep)");
                }
                start.getAnchor().map(Anchor::getValue).ifPresent(collectionAnchors::add);
            } else if (event instanceof CollectionEndEvent) {
                depth--;
            } else if (event instanceof AliasEvent alias && alias.getAlias() != null
                    && collectionAnchors.contains(alias.getAlias().getValue())
                    && ++aliases > MAX_COLLECTION_ALIASES) {
                throw at(source, event.getStartMark().orElseThrow(), "more than " + MAX_COLLECTION_ALIASES
                        + " aliases of lists or mappings (each one copies its whole collection: a file that needs"
                        + " more is a 'billion laughs' bomb, not a scenario)");
            }
        }
    }

    private static ScenarioException at(String source, Mark mark, String problem) {
        return new ScenarioException(source, mark.getLine() + 1, mark.getColumn() + 1, problem);
    }

    /** The 1-based line and column of code point {@code position} of {@code text}. */
    private static int[] lineColumn(String text, int position) {
        int line = 1;
        int column = 1;
        int index = 0;
        for (int cp = 0; cp < position && index < text.length(); cp++) {
            int c = text.codePointAt(index);
            index += Character.charCount(c);
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
