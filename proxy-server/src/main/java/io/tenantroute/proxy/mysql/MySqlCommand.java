package io.tenantroute.proxy.mysql;

import io.netty.buffer.ByteBuf;

/**
 * The command byte that starts every client packet of the Command Phase (MySQL Source Code Documentation,
 * "Command Phase" and enum_server_command; MariaDB "COM_* commands"). Only the commands a client application
 * sends are named; {@link #of} returns null for the others (replication, debugging, removed ones), which the
 * session refuses.
 */
public enum MySqlCommand {
    COM_QUIT(0x01),
    COM_INIT_DB(0x02),
    COM_QUERY(0x03),
    COM_FIELD_LIST(0x04),
    COM_STATISTICS(0x09),
    COM_PROCESS_KILL(0x0C),
    COM_PING(0x0E),
    COM_CHANGE_USER(0x11),
    COM_STMT_PREPARE(0x16),
    COM_STMT_EXECUTE(0x17),
    COM_STMT_SEND_LONG_DATA(0x18),
    COM_STMT_CLOSE(0x19),
    COM_STMT_RESET(0x1A),
    COM_SET_OPTION(0x1B),
    COM_STMT_FETCH(0x1C),
    COM_RESET_CONNECTION(0x1F);

    private static final MySqlCommand[] BY_CODE = new MySqlCommand[256];

    static {
        for (MySqlCommand c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;

    MySqlCommand(int code) {
        this.code = code;
    }

    /** @return the command byte */
    public int code() {
        return code;
    }

    /**
     * @param code a command byte, 0–255
     * @return its command, or null when it is not one of these
     */
    public static MySqlCommand of(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }

    /**
     * @param payload a client's command packet (not consumed)
     * @return its command, or null when empty or not one of these
     */
    public static MySqlCommand of(ByteBuf payload) {
        return payload.isReadable() ? of(payload.getUnsignedByte(payload.readerIndex())) : null;
    }

    /** @return whether the server answers it at all (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA and COM_QUIT get no answer) */
    public boolean hasResponse() {
        return this != COM_STMT_CLOSE && this != COM_STMT_SEND_LONG_DATA && this != COM_QUIT;
    }
}
