package dev.pagelab.cli;

import dev.pagelab.hw.Addresses;
import picocli.CommandLine;

/** Reads {@code 0xC0100000}, {@code C0100000h} or {@code 3221225472} as a 32-bit address. */
final class AddressConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        long address;
        try {
            address = Addresses.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
        if (Long.compareUnsigned(address, Addresses.MAX_VADDR) > 0) {
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is past 0xFFFFFFFF, the end of the 32-bit address space");
        }
        return address;
    }
}
