package dev.pagelab.hw;

import java.util.List;
import java.util.StringJoiner;

final class EntryBits {
    private EntryBits() {
    }

    static String names(List<EntryBit> bits, int entry) {
        StringJoiner joiner = new StringJoiner(" ");
        for (EntryBit bit : bits) {
            if (bit.isSet(entry)) {
                joiner.add(bit.name());
            }
        }
        return joiner.toString();
    }
}
