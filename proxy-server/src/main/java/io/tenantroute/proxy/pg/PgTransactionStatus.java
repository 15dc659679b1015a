package io.tenantroute.proxy.pg;

/**
 * The transaction status a ReadyForQuery carries (the PostgreSQL manual, "Message Formats" → ReadyForQuery). Under
 * transaction pooling {@link #IDLE} is the moment a server connection can go back to its pool.
 */
public enum PgTransactionStatus {
    /** {@code 'I'}: not in a transaction block. */
    IDLE('I'),
    /** {@code 'T'}: in a transaction block. */
    IN_TRANSACTION('T'),
    /** {@code 'E'}: in a failed transaction block (statements are refused until the block ends). */
    FAILED('E');

    private final byte code;

    PgTransactionStatus(char code) {
        this.code = (byte) code;
    }

    /** @return the status byte on the wire */
    public byte code() {
        return code;
    }

    /**
     * @param code a status byte
     * @return its status
     * @throws PgProtocolException (08P01) for any other byte
     */
    public static PgTransactionStatus of(byte code) {
        switch (code) {
            case 'I': return IDLE;
            case 'T': return IN_TRANSACTION;
            case 'E': return FAILED;
            default: throw PgProtocolException.violation("invalid transaction status " + PgMessage.typeName(code) + " in ReadyForQuery");
        }
    }
}
