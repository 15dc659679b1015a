package io.tenantroute.migrator;

import java.util.List;

/**
 * Verification of one table: row counts and an order-independent checksum over a canonical row encoding,
 * computed the same way on both sides.
 *
 * @param table the table
 * @param sourceRows the tenant's rows on the source
 * @param targetRows the tenant's rows on the target
 * @param sourceChecksum checksum of the source rows (32 hex digits)
 * @param targetChecksum checksum of the target rows
 * @param mismatches the first mismatching rows, as {@code key=[...] missing on target|extra on target|differs}
 */
public record TableVerification(String table, long sourceRows, long targetRows, String sourceChecksum, String targetChecksum,
        List<String> mismatches) {
    /** @return true when counts and checksums are equal */
    public boolean matches() {
        return sourceRows == targetRows && sourceChecksum.equals(targetChecksum);
    }
}
