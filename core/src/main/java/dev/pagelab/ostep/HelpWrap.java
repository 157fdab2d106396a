package dev.pagelab.ostep;

import java.util.ArrayList;
import java.util.List;

/**
 * Line breaking of option help as Python's {@code textwrap.wrap(text, width)} does it with its
 * defaults, which {@code optparse} uses: the text is cut into chunks, then lines are filled
 * greedily with whole chunks.
 *
 * <h2>Chunks</h2>
 * A run of whitespace is one chunk. A word (a run of anything else) is cut after a hyphen that
 * has two letters before it (or letter, hyphen, letter before it) and a letter, an optional
 * hyphen and a letter after it: {@code INSERT-FRONT} is {@code INSERT-} and {@code FRONT}, while
 * {@code -1->no} and {@code (--addresses)} stay whole. A run of two or more hyphens between a
 * word character or punctuation and a word character is a chunk of its own (an em-dash).
 * Letters are word characters that are not digits ({@code _} counts as one).
 *
 * <h2>Filling</h2>
 * <ol>
 *   <li>A line starts by dropping a whitespace chunk, except at the very start of the text.</li>
 *   <li>Whole chunks are added while the line stays within the width.</li>
 *   <li>When the next chunk is longer than a whole line, as much of it as fits is added, cut
 *       after its last hyphen within that room when there is one with a non-hyphen before it.</li>
 *   <li>A whitespace chunk at the end of the line is dropped; an empty line is not kept.</li>
 * </ol>
 */
final class HelpWrap {
    private HelpWrap() {
    }

    /** The lines of {@code text} at most {@code width} characters wide (a width below 1 counts as 1). */
    static List<String> wrap(String text, int width) {
        List<String> chunks = chunks(text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ')
                .replace('\u000B', ' ').replace('\f', ' '));
        List<String> lines = new ArrayList<>();
        int next = 0;
        while (next < chunks.size()) {
            List<String> line = new ArrayList<>();
            int length = 0;
            if (isBlank(chunks.get(next)) && !lines.isEmpty()) {
                next++;
            }
            while (next < chunks.size() && length + chunks.get(next).length() <= width) {
                length += chunks.get(next).length();
                line.add(chunks.get(next++));
            }
            if (next < chunks.size() && chunks.get(next).length() > width) {
                int room = width < 1 ? 1 : width - length;
                String chunk = chunks.get(next);
                int end = room;
                int hyphen = chunk.lastIndexOf('-', room - 1);
                if (hyphen > 0 && !chunk.substring(0, hyphen).chars().allMatch(c -> c == '-')) {
                    end = hyphen + 1;
                }
                line.add(chunk.substring(0, end));
                chunks.set(next, chunk.substring(end));
            }
            if (!line.isEmpty() && isBlank(line.get(line.size() - 1))) {
                line.remove(line.size() - 1);
            }
            if (!line.isEmpty()) {
                lines.add(String.join("", line));
            }
        }
        return lines;
    }

    /** The chunks of {@code text}: whitespace runs, words cut after inner hyphens, em-dashes. */
    static List<String> chunks(String text) {
        List<String> chunks = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int j;
            if (text.charAt(i) == ' ') {
                j = i;
                while (j < n && text.charAt(j) == ' ') {
                    j++;
                }
            } else if (i > 0 && isWordPunct(text.charAt(i - 1)) && dashesThenWord(text, i) > 0) {
                j = i + dashesThenWord(text, i);
            } else {
                j = wordEnd(text, i);
            }
            chunks.add(text.substring(i, j));
            i = j;
        }
        return chunks;
    }

    /** Where the word starting at {@code start} ends: the shortest chunk that ends at a rule. */
    private static int wordEnd(String text, int start) {
        int n = text.length();
        for (int k = start + 1; ; k++) {
            if (k < n && text.charAt(k) == '-' && hyphenBreak(text, k)) {
                return k + 1;
            }
            if (k >= n || text.charAt(k) == ' ') {
                return k;
            }
            if (isWordPunct(text.charAt(k - 1)) && dashesThenWord(text, k) > 0) {
                return k;
            }
        }
    }

    /** Whether the hyphen at {@code at} ends a chunk: letters before it and after it. */
    private static boolean hyphenBreak(String text, int at) {
        boolean before = (at >= 2 && isLetter(text.charAt(at - 2)) && isLetter(text.charAt(at - 1)))
                || (at >= 3 && isLetter(text.charAt(at - 3)) && text.charAt(at - 2) == '-'
                        && isLetter(text.charAt(at - 1)));
        if (!before) {
            return false;
        }
        int n = text.length();
        if (at + 1 >= n || !isLetter(text.charAt(at + 1))) {
            return false;
        }
        if (at + 2 < n && isLetter(text.charAt(at + 2))) {
            return true;
        }
        return at + 3 < n && text.charAt(at + 2) == '-' && isLetter(text.charAt(at + 3));
    }

    /** The length of a run of two or more hyphens at {@code at} followed by a word character, else 0. */
    private static int dashesThenWord(String text, int at) {
        int j = at;
        while (j < text.length() && text.charAt(j) == '-') {
            j++;
        }
        return j - at >= 2 && j < text.length() && isWord(text.charAt(j)) ? j - at : 0;
    }

    private static boolean isBlank(String chunk) {
        return chunk.isBlank();
    }

    private static boolean isWord(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean isLetter(char c) {
        return isWord(c) && !Character.isDigit(c);
    }

    private static boolean isWordPunct(char c) {
        return isWord(c) || "!\"'&.,?".indexOf(c) >= 0;
    }
}
