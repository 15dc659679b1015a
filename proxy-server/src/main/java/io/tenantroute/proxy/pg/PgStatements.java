package io.tenantroute.proxy.pg;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's prepared statements: every distinct (query text, parameter types) a client parsed under a name gets one
 * proxy-wide id, and is prepared on a server connection as {@code tr<id>} the first time a transaction needs it there —
 * so a client's statements survive being pooled across server connections (PgBouncer ≥ 1.21 and PgDog do the same),
 * and two clients that prepare the same text share one server statement. Thread-safe.
 */
final class PgStatements {
    /** What a client parsed. Immutable. */
    static final class Statement {
        final int id;
        final String sql;
        final int[] types;

        Statement(int id, String sql, int[] types) {
            this.id = id;
            this.sql = sql;
            this.types = types;
        }

        /** @return the name it has on server connections */
        String serverName() {
            return "tr" + id;
        }
    }

    private record Key(String sql, int[] types) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).sql.equals(sql) && Arrays.equals(((Key) o).types, types);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sql, Arrays.hashCode(types));
        }
    }

    /** Bounds the ids handed out (a client generating endless distinct texts must not grow this forever). */
    static final int MAX_INTERNED = 100_000;

    private final ConcurrentHashMap<Key, Statement> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param sql the query text
     * @param types the declared parameter type OIDs (0 = unspecified)
     * @return the statement's proxy-wide identity; the same for the same text and types
     */
    Statement intern(String sql, int[] types) {
        Key k = new Key(sql, types.clone());
        Statement s = byKey.get(k);
        if (s != null) {
            return s;
        }
        if (byKey.size() >= MAX_INTERNED) {
            byKey.clear(); // ids are never reused, so servers holding old ones simply prepare again
        }
        return byKey.computeIfAbsent(k, x -> new Statement(next.incrementAndGet(), sql, x.types()));
    }
}
