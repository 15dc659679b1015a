package io.tenantroute.proxy.pg;

import io.tenantroute.proxy.internal.SqlWords;
import io.tenantroute.proxy.internal.SqlWords.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the PostgreSQL session must recognise in a statement's text to pool transactions faithfully (the manual's "SQL
 * Commands" reference for each form): transaction control it can answer or defer itself, session settings it replays on
 * other server connections, prepared-statement and session resets that act on the client's own statements, and the
 * features that need one server session for the client's whole life (pinning). A lexer pass ({@link SqlWords}), no
 * parse. Pure functions; thread-safe.
 */
final class PgCommands {
    /** A statement's kind, as far as pooling cares. */
    enum Kind {
        /** {@code BEGIN} / {@code START TRANSACTION} with any modes. */
        BEGIN,
        /** {@code COMMIT} / {@code END} (not {@code AND CHAIN}, not {@code PREPARED}). */
        COMMIT,
        /** {@code ROLLBACK} / {@code ABORT} (not {@code TO SAVEPOINT}, not {@code AND CHAIN}, not {@code PREPARED}). */
        ROLLBACK,
        /** A session-level {@code SET} ({@link Command#name()} is the setting). */
        SET,
        /** {@code RESET name}. */
        RESET,
        /** {@code RESET ALL}. */
        RESET_ALL,
        /** {@code DISCARD ALL}. */
        DISCARD_ALL,
        /** {@code DEALLOCATE [PREPARE] name} ({@link Command#name()} is the statement). */
        DEALLOCATE,
        /** {@code DEALLOCATE [PREPARE] ALL}. */
        DEALLOCATE_ALL,
        /** Anything else. */
        OTHER
    }

    /**
     * @param kind the kind
     * @param name the setting ({@link Kind#SET}, {@link Kind#RESET}, lower case) or statement name ({@link Kind#DEALLOCATE}), else null
     * @param text the statement's text
     */
    record Command(Kind kind, String name, String text) {
    }

    private PgCommands() {
    }

    /** @param sql a Query's or a Parse's text @return one command per statement, in order */
    static List<Command> of(String sql) {
        List<Statement> statements = SqlWords.split(sql, false);
        List<Command> out = new ArrayList<>(statements.size());
        for (Statement s : statements) {
            out.add(classify(s));
        }
        return out;
    }

    /**
     * @param sql a text
     * @return the command when the text is exactly one statement, else null (several, or none)
     */
    static Command single(String sql) {
        List<Statement> statements = SqlWords.split(sql, false);
        return statements.size() == 1 ? classify(statements.get(0)) : null;
    }

    static Command classify(Statement s) {
        String w0 = s.word(0);
        String w1 = s.word(1);
        switch (w0) {
            case "BEGIN":
                return new Command(Kind.BEGIN, null, s.text());
            case "START":
                return w1.equals("TRANSACTION") ? new Command(Kind.BEGIN, null, s.text()) : other(s);
            case "COMMIT":
            case "END":
                return w1.equals("PREPARED") || s.has("CHAIN") ? other(s) : new Command(Kind.COMMIT, null, s.text());
            case "ROLLBACK":
            case "ABORT":
                return w1.equals("PREPARED") || s.has("TO") || s.has("CHAIN") ? other(s) : new Command(Kind.ROLLBACK, null, s.text());
            case "SET":
                return set(s);
            case "RESET":
                if (w1.equals("ALL") && s.tokens().size() == 2) {
                    return new Command(Kind.RESET_ALL, null, s.text());
                }
                String reset = settingName(s, 1);
                return reset == null ? other(s) : new Command(Kind.RESET, reset, s.text());
            case "DISCARD":
                return w1.equals("ALL") ? new Command(Kind.DISCARD_ALL, null, s.text()) : other(s);
            case "DEALLOCATE": {
                int i = w1.equals("PREPARE") ? 2 : 1;
                if (s.word(i).equals("ALL") && s.tokens().size() == i + 1) {
                    return new Command(Kind.DEALLOCATE_ALL, null, s.text());
                }
                if (s.tokens().size() == i + 1) {
                    SqlWords.Token t = s.tokens().get(i);
                    if (t.kind() == SqlWords.Kind.WORD) {
                        return new Command(Kind.DEALLOCATE, t.value().toLowerCase(Locale.ROOT), s.text());
                    }
                    if (t.kind() == SqlWords.Kind.IDENT) {
                        return new Command(Kind.DEALLOCATE, t.value(), s.text());
                    }
                }
                return other(s);
            }
            default:
                return other(s);
        }
    }

    private static Command other(Statement s) {
        return new Command(Kind.OTHER, null, s.text());
    }

    /** SET [SESSION] name {TO|=} …, SET TIME ZONE …, SET NAMES …, SET SCHEMA …, SET ROLE …, SET SESSION AUTHORIZATION … */
    private static Command set(Statement s) {
        int i = 1;
        if (s.word(i).equals("LOCAL") || s.word(i).equals("TRANSACTION") || s.word(i).equals("CONSTRAINTS")) {
            return other(s); // transaction-scoped: ends with the transaction, nothing to replay
        }
        if (s.word(i).equals("SESSION")) {
            if (s.word(i + 1).equals("AUTHORIZATION")) {
                return new Command(Kind.SET, "session_authorization", s.text());
            }
            if (s.word(i + 1).equals("CHARACTERISTICS")) {
                return new Command(Kind.SET, "session characteristics", s.text());
            }
            i++;
        }
        switch (s.word(i)) {
            case "TIME":
                return s.word(i + 1).equals("ZONE") ? new Command(Kind.SET, "timezone", s.text()) : other(s);
            case "NAMES":
                return new Command(Kind.SET, "client_encoding", s.text());
            case "SCHEMA":
                return new Command(Kind.SET, "search_path", s.text());
            case "ROLE":
                return new Command(Kind.SET, "role", s.text());
            default:
                String name = settingName(s, i);
                return name == null ? other(s) : new Command(Kind.SET, name, s.text());
        }
    }

    /** A setting name at token {@code i}: {@code word} or {@code word.word}, lower case (PostgreSQL folds it). */
    private static String settingName(Statement s, int i) {
        List<SqlWords.Token> t = s.tokens();
        if (i >= t.size() || (t.get(i).kind() != SqlWords.Kind.WORD && t.get(i).kind() != SqlWords.Kind.IDENT)) {
            return null;
        }
        String name = t.get(i).kind() == SqlWords.Kind.IDENT ? t.get(i).value() : t.get(i).value().toLowerCase(Locale.ROOT);
        if (i + 2 < t.size() && t.get(i + 1).isPunct('.') && t.get(i + 1).start() == t.get(i).end()) {
            SqlWords.Token second = t.get(i + 2);
            name = name + "." + (second.kind() == SqlWords.Kind.IDENT ? second.value() : second.value().toLowerCase(Locale.ROOT));
        }
        return name;
    }

    /**
     * Why a text needs the client to keep its server session (PgBouncer's transaction mode documents the same list as
     * unsupported; we pin instead of breaking it).
     *
     * @param sql a Query's or a Parse's text
     * @return {@code listen}, {@code advisory_lock}, {@code cursor_with_hold}, {@code temp_table} or {@code sql_prepare};
     *     null when none
     */
    static String pinReason(String sql) {
        for (Statement s : SqlWords.split(sql, false)) {
            String w0 = s.word(0);
            if (w0.equals("LISTEN")) {
                return "listen";
            }
            if (w0.equals("PREPARE")) {
                return "sql_prepare";
            }
            if (w0.equals("DECLARE") && s.has("HOLD")) {
                return "cursor_with_hold";
            }
            List<SqlWords.Token> t = s.tokens();
            for (int i = 0; i < t.size(); i++) {
                SqlWords.Token k = t.get(i);
                if (k.kind() != SqlWords.Kind.WORD) {
                    continue;
                }
                switch (k.upper()) {
                    case "PG_ADVISORY_LOCK":
                    case "PG_ADVISORY_LOCK_SHARED":
                    case "PG_TRY_ADVISORY_LOCK":
                    case "PG_TRY_ADVISORY_LOCK_SHARED":
                        return "advisory_lock";
                    case "TEMP":
                    case "TEMPORARY":
                        // CREATE [GLOBAL | LOCAL] {TEMP | TEMPORARY} …, SELECT … INTO {TEMP | TEMPORARY} …
                        boolean create = w0.equals("CREATE") && (i == 1 || (i == 2 && (s.word(1).equals("GLOBAL")
                                || s.word(1).equals("LOCAL"))));
                        if (create || (i > 0 && t.get(i - 1).is("INTO"))) {
                            return "temp_table";
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        return null;
    }
}
