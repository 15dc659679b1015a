package io.tenantroute.driver.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement's text made ready for Calcite, by one pass of a small lexer that knows strings, quoted identifiers
 * and comments (so a {@code tenant_id = 'x'} inside a string or a comment is never mistaken for SQL):
 * <ul>
 *   <li>comments are dropped, and {@code tenant=acme} hints inside them are collected;</li>
 *   <li>the trailing dialect clauses Calcite 1.42 cannot parse are cut: {@code ON CONFLICT …},
 *       {@code ON DUPLICATE KEY UPDATE …}, {@code RETURNING …}, {@code FOR UPDATE/SHARE …},
 *       {@code LOCK IN SHARE MODE} (the tenant lives in the part before them);</li>
 *   <li>{@code REPLACE INTO} reads as {@code INSERT INTO}, MySQL's {@code IGNORE}/{@code LOW_PRIORITY} modifiers
 *       are dropped;</li>
 *   <li>PostgreSQL {@code $n} markers become {@code ?} with a map back to parameter {@code n-1};</li>
 *   <li>MySQL strings ({@code "…"} or {@code '…'} with backslash escapes) are rewritten as standard
 *       {@code '…'} literals.</li>
 * </ul>
 * The rewritten text is only ever parsed, never sent to a database. Immutable.
 */
final class SqlText {
    private static final Pattern HINT = Pattern.compile(
            "(?i)(?<![A-Za-z0-9_])tenant\\s*=\\s*(?:'([^']*)'|\"([^\"]*)\"|([^\\s'\"*/,;]+))");

    /** Trailing clauses cut before parsing; matched as whole words at parenthesis depth 0. */
    private static final String[][] TRAILING = {
        {"ON", "CONFLICT"},
        {"ON", "DUPLICATE", "KEY", "UPDATE"},
        {"RETURNING"},
        {"FOR", "UPDATE"},
        {"FOR", "SHARE"},
        {"FOR", "NO", "KEY", "UPDATE"},
        {"FOR", "KEY", "SHARE"},
        {"LOCK", "IN", "SHARE", "MODE"},
    };

    /** The text for Calcite. */
    final String parseable;
    /** Distinct tenant hints found in comments, in text order. */
    final List<String> hints;
    /** For the k-th {@code ?} of {@link #parseable}: the app's parameter index (0-based). */
    private final int[] parameterIndex;
    /** The clause that was cut, upper case (e.g. {@code "ON CONFLICT"}), or null. */
    final String cutClause;

    private SqlText(String parseable, List<String> hints, int[] parameterIndex, String cutClause) {
        this.parseable = parseable;
        this.hints = hints;
        this.parameterIndex = parameterIndex;
        this.cutClause = cutClause;
    }

    /**
     * @param k the 0-based index of a {@code ?} in {@link #parseable} (Calcite's dynamic parameter index)
     * @return the app's parameter index it stands for
     */
    int parameterIndex(int k) {
        return k < parameterIndex.length ? parameterIndex[k] : k;
    }

    /** A word at parenthesis depth 0: its upper-case text and where it starts and ends in the output. */
    private static final class Word {
        final String upper;
        final int start;
        final int end;

        Word(String upper, int start, int end) {
            this.upper = upper;
            this.start = start;
            this.end = end;
        }
    }

    static SqlText of(String sql, SqlDialect dialect) {
        boolean mysql = dialect == SqlDialect.MYSQL;
        int n = sql.length();
        StringBuilder out = new StringBuilder(n + 8);
        List<String> hints = new ArrayList<>(1);
        List<Word> words = new ArrayList<>();
        int[] params = new int[8];
        int paramCount = 0;
        int plainOrdinal = 0;
        int depth = 0;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || (c == '"' && mysql)) {
                int end;
                if (mysql) {
                    StringBuilder value = new StringBuilder();
                    end = readMysqlString(sql, i, value);
                    out.append('\'').append(value.toString().replace("'", "''")).append('\'');
                } else {
                    boolean backslash = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                            && (i < 2 || !isIdentChar(sql.charAt(i - 2)));
                    end = readQuoted(sql, i, '\'', backslash);
                    out.append(sql, i, end);
                }
                i = end;
            } else if (c == '"' || (c == '`' && mysql)) {
                int end = readQuoted(sql, i, c, false);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-' || c == '#' && mysql) {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                collectHints(sql.substring(i, end), hints);
                out.append(' ');
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = skipBlockComment(sql, i, !mysql);
                collectHints(sql.substring(i, end), hints);
                out.append(' ');
                i = end;
            } else if (c == '$' && !mysql && (i == 0 || !isIdentChar(sql.charAt(i - 1)))) {
                int j = i + 1;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                if (j > i + 1 && (j == n || !isIdentChar(sql.charAt(j)))) {
                    if (paramCount == params.length) {
                        params = Arrays.copyOf(params, paramCount * 2);
                    }
                    params[paramCount++] = Integer.parseInt(sql.substring(i + 1, j)) - 1;
                    out.append('?');
                    i = j;
                } else {
                    int end = readDollarQuoted(sql, i);
                    out.append(sql, i, end);
                    i = end;
                }
            } else if (c == ':' && !mysql && i + 1 < n && sql.charAt(i + 1) == ':') {
                // Babel gives `::` the lowest precedence (`a = 'x'::text AND b::int > 1` reads as
                // `((a = 'x' AND b)::int) > 1`), which scrambles the conjuncts. A cast never names a tenant: drop it.
                out.append(' ');
                i = skipCastType(sql, i + 2);
            } else if (c == '?') {
                if (paramCount == params.length) {
                    params = Arrays.copyOf(params, paramCount * 2);
                }
                params[paramCount++] = plainOrdinal++;
                out.append('?');
                i++;
            } else if (c == '(') {
                depth++;
                out.append(c);
                i++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
                out.append(c);
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && isIdentChar(sql.charAt(j))) {
                    j++;
                }
                int start = out.length();
                out.append(sql, i, j);
                if (depth == 0) {
                    words.add(new Word(sql.substring(i, j).toUpperCase(Locale.ROOT), start, out.length()));
                }
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        String cut = null;
        int cutAt = -1;
        for (int w = 0; w < words.size() && cutAt < 0; w++) {
            for (String[] clause : TRAILING) {
                if (matches(words, w, clause)) {
                    cutAt = words.get(w).start;
                    cut = String.join(" ", clause);
                    break;
                }
            }
        }
        if (cutAt >= 0) {
            out.setLength(cutAt);
        }
        rewriteLeadingVerb(out, words, cutAt);
        stripTrailingSemicolon(out);
        return new SqlText(out.toString(), List.copyOf(hints), Arrays.copyOf(params, paramCount), cut);
    }

    private static boolean matches(List<Word> words, int from, String[] clause) {
        if (from + clause.length > words.size()) {
            return false;
        }
        for (int k = 0; k < clause.length; k++) {
            if (!words.get(from + k).upper.equals(clause[k])) {
                return false;
            }
        }
        return true;
    }

    /** {@code REPLACE INTO} → {@code INSERT INTO}; MySQL modifiers after the verb → blanks (same positions). */
    private static void rewriteLeadingVerb(StringBuilder out, List<Word> words, int cutAt) {
        if (words.isEmpty() || (cutAt >= 0 && words.get(0).start >= cutAt)) {
            return;
        }
        Word verb = words.get(0);
        if (verb.upper.equals("REPLACE")) {
            out.replace(verb.start, verb.end, "INSERT "); // same length: later positions stay valid
        } else if (!verb.upper.equals("INSERT") && !verb.upper.equals("UPDATE") && !verb.upper.equals("DELETE")) {
            return;
        }
        for (int w = 1; w < words.size(); w++) {
            Word m = words.get(w);
            if (cutAt >= 0 && m.start >= cutAt) {
                return;
            }
            if (m.upper.equals("IGNORE") || m.upper.equals("LOW_PRIORITY") || m.upper.equals("HIGH_PRIORITY")
                    || m.upper.equals("DELAYED") || m.upper.equals("QUICK")) {
                for (int k = m.start; k < m.end; k++) {
                    out.setCharAt(k, ' ');
                }
            } else {
                return;
            }
        }
    }

    private static void stripTrailingSemicolon(StringBuilder out) {
        int end = out.length();
        while (end > 0 && (Character.isWhitespace(out.charAt(end - 1)) || out.charAt(end - 1) == ';')) {
            end--;
        }
        out.setLength(end);
    }

    private static void collectHints(String comment, List<String> hints) {
        Matcher m = HINT.matcher(comment);
        while (m.find()) {
            String v = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            if (!v.isEmpty() && !hints.contains(v)) {
                hints.add(v);
            }
        }
    }

    static boolean isIdentChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** @return the index after the closing quote (doubled quotes escape it), or the text's end */
    private static int readQuoted(String s, int start, char quote, boolean backslash) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** Reads a MySQL string literal (backslash escapes, doubled quotes) and appends its value. */
    private static int readMysqlString(String s, int start, StringBuilder value) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                switch (e) {
                    case 'n': value.append('\n'); break;
                    case 't': value.append('\t'); break;
                    case 'r': value.append('\r'); break;
                    case 'b': value.append('\b'); break;
                    case '0': value.append('\0'); break;
                    case 'Z': value.append('\u001A'); break;
                    case '%': value.append("\\%"); break;
                    case '_': value.append("\\_"); break;
                    default: value.append(e);
                }
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    value.append(quote);
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                value.append(c);
                i++;
            }
        }
        return s.length();
    }

    /** Multi-word PostgreSQL type names: a first word and the words that may follow it. */
    private static final List<String> TYPE_CONTINUATIONS = List.of("VARYING", "PRECISION", "WITH", "WITHOUT",
            "TIME", "ZONE");

    /**
     * Skips a PostgreSQL type name after {@code ::}: {@code text}, {@code pg_catalog."int4"},
     * {@code character varying(20)}, {@code timestamp with time zone}, {@code numeric(10,2)[]}.
     *
     * @return the index after the type name
     */
    private static int skipCastType(String s, int i) {
        int n = s.length();
        boolean first = true;
        while (true) {
            int j = skipSpace(s, i);
            if (j >= n) {
                return j;
            }
            char c = s.charAt(j);
            int end;
            if (c == '"') {
                end = readQuoted(s, j, '"', false);
            } else if (Character.isLetter(c) || c == '_') {
                end = j + 1;
                while (end < n && isIdentChar(s.charAt(end))) {
                    end++;
                }
                if (!first && !TYPE_CONTINUATIONS.contains(s.substring(j, end).toUpperCase(Locale.ROOT))) {
                    return i;
                }
            } else {
                return first ? j : i;
            }
            first = false;
            i = end;
            if (i < n && s.charAt(i) == '.') {
                i++;
                first = true; // schema-qualified: the type name follows
            }
            int k = skipSpace(s, i);
            if (k < n && s.charAt(k) == '(') {
                int close = s.indexOf(')', k);
                i = close < 0 ? n : close + 1;
                k = skipSpace(s, i);
            }
            while (k + 1 < n && s.charAt(k) == '[' && s.charAt(k + 1) == ']') {
                i = k + 2;
                k = skipSpace(s, i);
            }
        }
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** @return the index after a block comment; PostgreSQL nests them */
    private static int skipBlockComment(String s, int start, boolean nested) {
        int level = 0;
        int i = start;
        while (i + 1 < s.length()) {
            if (s.charAt(i) == '/' && s.charAt(i + 1) == '*') {
                level = nested ? level + 1 : 1;
                i += 2;
            } else if (s.charAt(i) == '*' && s.charAt(i + 1) == '/') {
                level--;
                i += 2;
                if (level == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** PostgreSQL {@code $tag$ … $tag$}; a lone {@code $} is returned as one character. */
    private static int readDollarQuoted(String s, int start) {
        int j = start + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        if (j >= s.length() || s.charAt(j) != '$') {
            return start + 1;
        }
        String tag = s.substring(start, j + 1);
        int close = s.indexOf(tag, j + 1);
        return close < 0 ? s.length() : close + tag.length();
    }
}
