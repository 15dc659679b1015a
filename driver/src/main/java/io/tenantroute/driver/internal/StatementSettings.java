package io.tenantroute.driver.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How a logical statement was created and what the app set on it; applied to every physical statement made
 * for it (each physical connection gets its own). Not thread-safe (a statement belongs to one thread at a time).
 */
final class StatementSettings {
    /** How the statement was created: plain, with result-set type/concurrency(/holdability), or with generated keys. */
    enum Kind { PLAIN, TYPED, TYPED_HOLD, KEYS_FLAG, KEYS_INDEXES, KEYS_NAMES }

    final Kind kind;
    final int type;
    final int concurrency;
    final int holdability;
    final int keysFlag;
    final int[] keyIndexes;
    final String[] keyNames;

    Integer maxRows;
    Long largeMaxRows;
    Integer fetchSize;
    Integer fetchDirection;
    Integer queryTimeout;
    Integer maxFieldSize;
    Boolean escapeProcessing;
    Boolean poolable;
    String cursorName;

    private StatementSettings(Kind kind, int type, int concurrency, int holdability, int keysFlag, int[] keyIndexes, String[] keyNames) {
        this.kind = kind;
        this.type = type;
        this.concurrency = concurrency;
        this.holdability = holdability;
        this.keysFlag = keysFlag;
        this.keyIndexes = keyIndexes;
        this.keyNames = keyNames;
    }

    static StatementSettings plain() {
        return new StatementSettings(Kind.PLAIN, 0, 0, 0, 0, null, null);
    }

    static StatementSettings typed(int type, int concurrency) {
        return new StatementSettings(Kind.TYPED, type, concurrency, 0, 0, null, null);
    }

    static StatementSettings typed(int type, int concurrency, int holdability) {
        return new StatementSettings(Kind.TYPED_HOLD, type, concurrency, holdability, 0, null, null);
    }

    static StatementSettings keys(int flag) {
        return new StatementSettings(Kind.KEYS_FLAG, 0, 0, 0, flag, null, null);
    }

    static StatementSettings keys(int[] indexes) {
        return new StatementSettings(Kind.KEYS_INDEXES, 0, 0, 0, 0, indexes.clone(), null);
    }

    static StatementSettings keys(String[] names) {
        return new StatementSettings(Kind.KEYS_NAMES, 0, 0, 0, 0, null, names.clone());
    }

    /** @return true when the statement asked for generated keys at creation */
    boolean wantsKeys() {
        return (kind == Kind.KEYS_FLAG && keysFlag == Statement.RETURN_GENERATED_KEYS) || kind == Kind.KEYS_INDEXES || kind == Kind.KEYS_NAMES;
    }

    Statement create(Connection c) throws SQLException {
        switch (kind) {
            case TYPED: return apply(c.createStatement(type, concurrency));
            case TYPED_HOLD: return apply(c.createStatement(type, concurrency, holdability));
            default: return apply(c.createStatement());
        }
    }

    PreparedStatement prepare(Connection c, String sql, boolean call) throws SQLException {
        if (call) {
            switch (kind) {
                case TYPED: return apply(c.prepareCall(sql, type, concurrency));
                case TYPED_HOLD: return apply(c.prepareCall(sql, type, concurrency, holdability));
                default: return apply(c.prepareCall(sql));
            }
        }
        switch (kind) {
            case TYPED: return apply(c.prepareStatement(sql, type, concurrency));
            case TYPED_HOLD: return apply(c.prepareStatement(sql, type, concurrency, holdability));
            case KEYS_FLAG: return apply(c.prepareStatement(sql, keysFlag));
            case KEYS_INDEXES: return apply(c.prepareStatement(sql, keyIndexes));
            case KEYS_NAMES: return apply(c.prepareStatement(sql, keyNames));
            default: return apply(c.prepareStatement(sql));
        }
    }

    <S extends Statement> S apply(S s) throws SQLException {
        if (maxRows != null) {
            s.setMaxRows(maxRows);
        }
        if (largeMaxRows != null) {
            s.setLargeMaxRows(largeMaxRows);
        }
        if (fetchSize != null) {
            s.setFetchSize(fetchSize);
        }
        if (fetchDirection != null) {
            s.setFetchDirection(fetchDirection);
        }
        if (queryTimeout != null) {
            s.setQueryTimeout(queryTimeout);
        }
        if (maxFieldSize != null) {
            s.setMaxFieldSize(maxFieldSize);
        }
        if (escapeProcessing != null) {
            s.setEscapeProcessing(escapeProcessing);
        }
        if (poolable != null) {
            s.setPoolable(poolable);
        }
        if (cursorName != null) {
            s.setCursorName(cursorName);
        }
        return s;
    }
}
