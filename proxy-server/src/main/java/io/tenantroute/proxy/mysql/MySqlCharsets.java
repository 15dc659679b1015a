package io.tenantroute.proxy.mysql;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The Java charset of a MySQL collation id (the 1-byte "character set" of HandshakeV10 / HandshakeResponse41,
 * which is a collation id: MySQL Source Code Documentation, "Character Set"; MariaDB "Supported Character Sets
 * and Collations"), for decoding SQL text and string parameters. Known: the utf8mb4 and utf8mb3 collations,
 * latin1 (which MySQL defines as cp1252), ascii, binary; anything else decodes as UTF-8, the charset every
 * client library defaults to. Stateless, thread-safe.
 */
public final class MySqlCharsets {
    /** utf8mb4_general_ci: understood by MySQL 5.5+ and every MariaDB; the proxy's default. */
    public static final int UTF8MB4_GENERAL_CI = 45;
    /** utf8mb4_0900_ai_ci: MySQL 8's default. */
    public static final int UTF8MB4_0900_AI_CI = 255;
    /** binary. */
    public static final int BINARY = 63;

    private static final Charset CP1252 = Charset.forName("windows-1252");

    private MySqlCharsets() {
    }

    /**
     * @param collationId a collation id, 0–2047
     * @return the Java charset to decode text sent under it
     */
    public static Charset javaCharset(int collationId) {
        switch (collationId) {
            case 5: case 8: case 15: case 31: case 47: case 48: case 49: case 94:
                return CP1252; // latin1_*
            case 11: case 65:
                return StandardCharsets.US_ASCII;
            case BINARY:
                return StandardCharsets.ISO_8859_1; // bytes as they are
            default:
                return StandardCharsets.UTF_8; // utf8mb3/utf8mb4 collations (33, 45, 46, 83, 192–247, 255+), and the rest
        }
    }
}
