package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * Protocol::AuthSwitchRequest (MySQL Source Code Documentation, "Protocol::AuthSwitchRequest"; MariaDB
 * "Connection", Authentication switch request): 0xFE, the plugin name (NUL-terminated) and the plugin data —
 * for the password plugins the 20-byte nonce followed by a NUL, which {@link #parse} strips. The one-byte
 * "old" form (0xFE alone, switch to mysql_old_password) is refused. The client answers with the new plugin's
 * response as a bare packet (Protocol::AuthSwitchResponse). Immutable.
 *
 * @param pluginName the plugin to switch to
 * @param pluginData its data (the nonce), without the trailing NUL
 */
public record AuthSwitchRequest(String pluginName, byte[] pluginData) {
    /** Header byte of AuthSwitchRequest. */
    public static final int HEADER = 0xFE;

    public AuthSwitchRequest {
        pluginData = pluginData.clone();
    }

    @Override
    public byte[] pluginData() {
        return pluginData.clone();
    }

    /**
     * @param payload the payload (not consumed), during the auth phase
     * @return the request
     * @throws MySqlProtocolException when it is malformed or the old one-byte form
     */
    public static AuthSwitchRequest parse(ByteBuf payload) {
        ByteBuf b = payload.duplicate();
        if (Wire.readU8(b, "AuthSwitchRequest header") != HEADER) {
            throw Wire.malformed("AuthSwitchRequest does not start with 0xFE");
        }
        if (!b.isReadable()) {
            throw new MySqlProtocolException(MySqlProtocolException.ER_HANDSHAKE_ERROR, "08S01",
                    "server asks for the pre-4.1 mysql_old_password authentication, which is not supported");
        }
        String name = Wire.readNulOrEofString(b);
        byte[] data = Wire.readRest(b);
        if (data.length > 0 && data[data.length - 1] == 0) {
            data = Arrays.copyOf(data, data.length - 1);
        }
        return new AuthSwitchRequest(name, data);
    }

    /**
     * Writes the request, the plugin data followed by a NUL as MySQL servers send it.
     *
     * @param alloc the allocator
     * @return the payload; the caller owns it
     */
    public ByteBuf toPayload(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(pluginName.length() + pluginData.length + 3);
        out.writeByte(HEADER);
        Wire.writeNulString(out, pluginName);
        out.writeBytes(pluginData);
        out.writeByte(0);
        return out;
    }
}
