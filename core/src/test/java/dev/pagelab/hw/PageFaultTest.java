package dev.pagelab.hw;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The page-fault error code (SDM vol. 3A 4.7, figure 4-12) and its decoding; {@link EntryBit}. */
class PageFaultTest {

    @Test
    void constants_errorCodeBits_matchSdmFigure4_12() {
        assertThat(PageFault.ERR_PRESENT).isEqualTo(1 << 0);
        assertThat(PageFault.ERR_WRITE).isEqualTo(1 << 1);
        assertThat(PageFault.ERR_USER).isEqualTo(1 << 2);
        assertThat(PageFault.ERR_RESERVED).isEqualTo(1 << 3);
    }

    @ParameterizedTest
    @CsvSource({
        "0x0, false, false, false, false",
        "0x7, true, true, true, false",
        "0x9, true, false, false, true",
        "0x6, false, true, true, false",
    })
    void predicates_anyErrorCode_readTheirOwnBitOnly(int errorCode, boolean protection, boolean write, boolean user,
                                        boolean reserved) {
        PageFault fault = new PageFault(0x1000, errorCode, PageFault.Cause.TABLE_NOT_PRESENT, 0x2000);

        assertThat(fault.isProtectionViolation()).isEqualTo(protection);
        assertThat(fault.isWrite()).isEqualTo(write);
        assertThat(fault.isUser()).isEqualTo(user);
        assertThat(fault.isReservedBit()).isEqualTo(reserved);
    }

    @Test
    void decodeErrorCode_mixedBits_namesEveryBit() {
        assertThat(PageFault.decodeErrorCode(0x3))
                .isEqualTo("P=1 protection, W/R=1 write, U/S=0 supervisor, RSVD=0");
        assertThat(PageFault.decodeErrorCode(0xC))
                .isEqualTo("P=0 not-present, W/R=0 read, U/S=1 user, RSVD=1");
    }

    @Test
    void toString_protectionFault_namesAddressCodeCauseAndEntry() {
        PageFault fault = new PageFault(0xC010_0000L, 3, PageFault.Cause.WRITE_TO_READ_ONLY, 0x3400);

        assertThat(fault.toString()).isEqualTo("#PF at 0xC0100000 error code 0x3 (P=1 protection, W/R=1 write, "
                + "U/S=0 supervisor, RSVD=0): a write to a read-only page (R/W=0), entry at 0x00003400");
    }

    @Test
    void pageFaultException_fromFault_carriesTheFaultAndItsText() {
        PageFault fault = new PageFault(0x10, 4, PageFault.Cause.DIRECTORY_NOT_PRESENT, 0x1000);

        PageFaultException e = new PageFaultException(fault);

        assertThat(e.fault()).isSameAs(fault);
        assertThat(e).hasMessage(fault.toString());
    }

    @Test
    void entryBit_isSetAndMeaning_followTheMask() {
        EntryBit rw = new EntryBit("R/W", 2, "writable", "read-only");

        assertThat(rw.isSet(0x3)).isTrue();
        assertThat(rw.isSet(0x5)).isFalse();
        assertThat(rw.meaning(0xFFFF_FFFF)).isEqualTo("writable");
        assertThat(rw.meaning(0)).isEqualTo("read-only");
    }
}
