package io.tenantroute.routing.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bind values in PostgreSQL's text and binary formats name the tenant the driver's setters would. */
class WireValuesTest {
    private static String tenant(int oid, boolean binary, byte[] v) {
        Object o = WireValues.pg(oid, binary, v);
        return o == null ? null : TenantValues.asTenant(o);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void textFormat_numbersAreCanonical_textIsTakenAsItIs() {
        assertEquals("3", tenant(0, false, text("3")));
        assertEquals("3", tenant(701, false, text("3.0")));
        assertEquals("3", tenant(1700, false, text("3.000")));
        assertEquals("acme", tenant(25, false, text("acme")));
        assertEquals(" 3", tenant(0, false, text(" 3")), "unspecified type: the text is the tenant id");
    }

    @Test
    void binaryFormat_integersFloatsNumericUuidText() {
        assertEquals("7", tenant(21, true, ByteBuffer.allocate(2).putShort((short) 7).array()));
        assertEquals("-7", tenant(23, true, ByteBuffer.allocate(4).putInt(-7).array()));
        assertEquals("9000000000", tenant(20, true, ByteBuffer.allocate(8).putLong(9_000_000_000L).array()));
        assertEquals("3", tenant(701, true, ByteBuffer.allocate(8).putDouble(3.0).array()));
        assertEquals("2.5", tenant(700, true, ByteBuffer.allocate(4).putFloat(2.5f).array()));
        // numeric 12345.6 = digits [1, 2345, 6000], weight 1, dscale 1
        ByteBuffer n = ByteBuffer.allocate(14).putShort((short) 3).putShort((short) 1).putShort((short) 0).putShort((short) 1)
                .putShort((short) 1).putShort((short) 2345).putShort((short) 6000);
        assertEquals("12345.6", tenant(1700, true, n.array()));
        ByteBuffer three = ByteBuffer.allocate(10).putShort((short) 1).putShort((short) 0).putShort((short) 0x4000)
                .putShort((short) 0).putShort((short) 3);
        assertEquals("-3", tenant(1700, true, three.array()));
        assertEquals("00000000-0000-0001-0000-000000000002",
                tenant(2950, true, ByteBuffer.allocate(16).putLong(1).putLong(2).array()));
        assertEquals("acme", tenant(1043, true, text("acme")));
    }

    @Test
    void typesThatCannotBeTenants_orMalformedBytes_nameNone() {
        assertNull(tenant(16, true, new byte[] {1}), "bool");
        assertNull(tenant(23, true, new byte[] {1, 2}), "int4 of 2 bytes");
        assertNull(tenant(1700, true, ByteBuffer.allocate(8).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0xC000).putShort((short) 0).array()), "NaN");
    }
}
