package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Protocol::AuthMoreData (MySQL Source Code Documentation, "Protocol::AuthMoreData"): 0x01 followed by plugin
 * data — for caching_sha2_password the one byte 0x03 (fast_auth_success) or 0x04 (perform_full_authentication),
 * or the server's RSA public key in PEM. Stateless helpers; thread-safe.
 */
public final class AuthMoreData {
    /** Header byte of AuthMoreData. */
    public static final int HEADER = 0x01;

    private AuthMoreData() {
    }

    /**
     * @param payload a payload during the auth phase (not consumed)
     * @return whether it is AuthMoreData
     */
    public static boolean isAuthMoreData(ByteBuf payload) {
        return payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
    }

    /**
     * @param payload an AuthMoreData payload (not consumed)
     * @return the data after the header
     * @throws MySqlProtocolException when it is not AuthMoreData
     */
    public static byte[] data(ByteBuf payload) {
        if (!isAuthMoreData(payload)) {
            throw Wire.malformed("AuthMoreData does not start with 0x01");
        }
        ByteBuf b = payload.duplicate();
        b.skipBytes(1);
        return Wire.readRest(b);
    }

    /**
     * @param alloc the allocator
     * @param data the data
     * @return the payload; the caller owns it
     */
    public static ByteBuf toPayload(ByteBufAllocator alloc, byte... data) {
        ByteBuf out = alloc.buffer(1 + data.length);
        out.writeByte(HEADER).writeBytes(data);
        return out;
    }
}
