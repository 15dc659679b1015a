package io.tenantroute.routing.sql;

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

    /**
     * A second reading for statements Calcite rejected as they are: rewrites that keep the tenant predicates and
     * tables but lose meaning Calcite cannot parse anyway.
     * <ul>
     *   <li>{@code UPDATE t [JOIN …] SET … [FROM f] [WHERE w]} → {@code SELECT 1 FROM t [JOIN …][, f] [WHERE w]}
     *       (PostgreSQL {@code UPDATE … FROM}, MySQL multi-table UPDATE);</li>
     *   <li>{@code DELETE [targets] FROM t [USING u] [WHERE w]} → {@code SELECT 1 FROM t[, u] [WHERE w]}
     *       (PostgreSQL {@code DELETE … USING}, MySQL multi-table DELETE);</li>
     *   <li>{@code INTERVAL '1 day'} / {@code INTERVAL 1 DAY} → the bare value; JSON and array operators
     *       ({@code ->}, {@code ->>}, {@code #>}, {@code #>>}, {@code @>}, {@code <@}, {@code @@}) → {@code ||};
     *       {@code DISTINCT ON (…)} → {@code DISTINCT}; MySQL index hints and {@code SQL_CALC_FOUND_ROWS}-style
     *       modifiers dropped.</li>
     * </ul>
     * Deleted {@code ?} markers (e.g. in a SET list) are dropped from the parameter map, so the survivors keep the
     * app's indexes.
     *
     * @param dialect the dialect the text was read in
     * @return the relaxed text, or null when no rewrite applies
     */
    SqlText relaxed(SqlDialect dialect) {
        boolean mysql = dialect == SqlDialect.MYSQL;
        String s = parseable;
        int n = s.length();
        List<Tok> words = new ArrayList<>();
        List<Integer> marks = new ArrayList<>();
        List<int[]> edits = new ArrayList<>();
        List<String> replacements = new ArrayList<>();
        int depth = 0;
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\'' ) {
                boolean backslash = !mysql && i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e');
                i = readQuoted(s, i, '\'', backslash);
            } else if (c == '"' || (c == '`' && mysql)) {
                i = readQuoted(s, i, c, false);
            } else if (c == '$' && !mysql) {
                i = readDollarQuoted(s, i);
            } else if (c == '?') {
                marks.add(i);
                i++;
            } else if (c == '(') {
                depth++;
                i++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < n && isIdentChar(s.charAt(j))) {
                    j++;
                }
                words.add(new Tok(s.substring(i, j).toUpperCase(Locale.ROOT), i, j, depth));
                i = j;
            } else {
                int len = operatorLength(s, i, mysql);
                if (len > 0) {
                    edits.add(new int[] {i, i + len});
                    replacements.add(" || ");
                    i += len;
                } else {
                    i++;
                }
            }
        }
        for (int w = 0; w < words.size(); w++) {
            Tok t = words.get(w);
            Tok next = w + 1 < words.size() ? words.get(w + 1) : null;
            switch (t.upper) {
                case "INTERVAL":
                    edit(edits, replacements, t.start, t.end, " ");
                    for (int k = w + 1; k < Math.min(w + 3, words.size()); k++) {
                        if (INTERVAL_UNIT.matcher(words.get(k).upper).matches()) {
                            edit(edits, replacements, words.get(k).start, words.get(k).end, " ");
                            break;
                        }
                    }
                    break;
                case "DISTINCT":
                    if (next != null && next.upper.equals("ON") && nextChar(s, next.end) == '(') {
                        edit(edits, replacements, next.start, closing(s, s.indexOf('(', next.end)) + 1, " ");
                    }
                    break;
                case "USE":
                case "FORCE":
                case "IGNORE":
                    if (mysql && next != null && (next.upper.equals("INDEX") || next.upper.equals("KEY"))) {
                        int open = s.indexOf('(', next.end);
                        if (open > 0) {
                            edit(edits, replacements, t.start, closing(s, open) + 1, " ");
                        }
                    }
                    break;
                case "STRAIGHT_JOIN":
                    boolean modifier = w > 0 && words.get(w - 1).upper.equals("SELECT");
                    edit(edits, replacements, t.start, t.end, modifier ? " " : "JOIN");
                    break;
                default:
                    if (mysql && t.upper.startsWith("SQL_") && MYSQL_SELECT_MODIFIER.matcher(t.upper).matches()) {
                        edit(edits, replacements, t.start, t.end, " ");
                    }
            }
        }
        rewriteWriteAsSelect(s, words, edits, replacements);
        if (edits.isEmpty()) {
            return null;
        }
        Integer[] order = new Integer[edits.size()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(edits.get(a)[0], edits.get(b)[0]));
        StringBuilder out = new StringBuilder(n);
        List<int[]> applied = new ArrayList<>();
        int pos = 0;
        for (int k : order) {
            int[] e = edits.get(k);
            if (e[0] < pos) {
                continue; // inside an earlier (larger) edit
            }
            out.append(s, pos, e[0]).append(replacements.get(k));
            pos = e[1];
            applied.add(e);
        }
        out.append(s, pos, n);
        int[] mapped = new int[marks.size()];
        int kept = 0;
        for (int k = 0; k < marks.size(); k++) {
            int at = marks.get(k);
            boolean deleted = false;
            for (int[] e : applied) {
                deleted |= at >= e[0] && at < e[1];
            }
            if (!deleted) {
                mapped[kept++] = parameterIndex(k);
            }
        }
        return new SqlText(out.toString(), hints, Arrays.copyOf(mapped, kept), cutClause);
    }

    private static final Pattern INTERVAL_UNIT = Pattern.compile(
            "(MICROSECOND|SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|QUARTER|YEAR)S?(_[A-Z]+)?");
    private static final Pattern MYSQL_SELECT_MODIFIER = Pattern.compile(
            "SQL_(CALC_FOUND_ROWS|NO_CACHE|CACHE|SMALL_RESULT|BIG_RESULT|BUFFER_RESULT)");

    /** UPDATE/DELETE forms Calcite rejects, read as the SELECT over the same tables and WHERE clause. */
    private static void rewriteWriteAsSelect(String s, List<Tok> words, List<int[]> edits, List<String> repl) {
        if (words.isEmpty() || words.get(0).depth != 0) {
            return;
        }
        Tok verb = words.get(0);
        if (verb.upper.equals("INSERT")) {
            insertSetAsValues(s, words, edits, repl);
        } else if (verb.upper.equals("UPDATE")) {
            Tok set = find(words, 1, "SET", null);
            if (set == null) {
                return;
            }
            Tok where = find(words, words.indexOf(set) + 1, "WHERE", null);
            Tok from = find(words, words.indexOf(set) + 1, "FROM", where);
            edit(edits, repl, verb.start, verb.end, "SELECT 1 FROM");
            int end = from != null ? from.start : where != null ? where.start : s.length();
            edit(edits, repl, set.start, end, " ");
            if (from != null) {
                edit(edits, repl, from.start, from.end, ",");
            }
        } else if (verb.upper.equals("DELETE")) {
            Tok from = find(words, 1, "FROM", null);
            if (from == null) {
                return;
            }
            edit(edits, repl, verb.start, from.end, "SELECT 1 FROM");
            Tok where = find(words, words.indexOf(from) + 1, "WHERE", null);
            for (int k = words.indexOf(from) + 1; k < words.size(); k++) {
                Tok t = words.get(k);
                if (where != null && t.start > where.start) {
                    break;
                }
                if (t.depth == 0 && t.upper.equals("USING") && nextChar(s, t.end) != '(') {
                    edit(edits, repl, t.start, t.end, ",");
                    break;
                }
            }
        }
    }

    /** MySQL {@code INSERT INTO t SET a = 1, b = ?} → {@code INSERT INTO t (a, b) VALUES (1, ?)}. */
    private static void insertSetAsValues(String s, List<Tok> words, List<int[]> edits, List<String> repl) {
        Tok set = find(words, 1, "SET", null);
        if (set == null) {
            return;
        }
        List<String> columns = new ArrayList<>();
        List<int[]> deletions = new ArrayList<>();
        int segment = set.end;
        int level = 0;
        int eq = -1;
        for (int i = set.end; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : ',';
            if (c == '\'' || c == '"' || c == '`') {
                i = readQuoted(s, i, c, false) - 1;
            } else if (c == '(') {
                level++;
            } else if (c == ')') {
                level--;
            } else if (level == 0 && c == '=' && eq < 0) {
                eq = i;
            } else if (level == 0 && c == ',') {
                if (eq < 0) {
                    return; // not a plain assignment list
                }
                columns.add(s.substring(segment, eq).trim());
                deletions.add(new int[] {segment, eq + 1});
                segment = i + 1;
                eq = -1;
            }
        }
        edit(edits, repl, set.start, set.end, "(" + String.join(", ", columns) + ") VALUES (");
        for (int[] d : deletions) {
            edit(edits, repl, d[0], d[1], " ");
        }
        edit(edits, repl, s.length(), s.length(), ")");
    }

    /** @return the first depth-0 word {@code upper} at or after index {@code from}, before {@code limit}; or null */
    private static Tok find(List<Tok> words, int from, String upper, Tok limit) {
        for (int k = from; k < words.size(); k++) {
            Tok t = words.get(k);
            if (limit != null && t.start >= limit.start) {
                return null;
            }
            if (t.depth == 0 && t.upper.equals(upper)) {
                return t;
            }
        }
        return null;
    }

    private static void edit(List<int[]> edits, List<String> repl, int start, int end, String replacement) {
        edits.add(new int[] {start, end});
        repl.add(replacement);
    }

    /** @return the length of a JSON/array/text-search operator at {@code i}, else 0 */
    private static int operatorLength(String s, int i, boolean mysql) {
        for (String op : mysql ? MYSQL_OPERATORS : PG_OPERATORS) {
            if (s.startsWith(op, i)) {
                return op.length();
            }
        }
        return 0;
    }

    private static final String[] PG_OPERATORS = {"->>", "->", "#>>", "#>", "@>", "<@", "@@"};
    private static final String[] MYSQL_OPERATORS = {"->>", "->"};

    private static char nextChar(String s, int i) {
        int j = skipSpace(s, i);
        return j < s.length() ? s.charAt(j) : 0;
    }

    /** @return the index of the parenthesis closing the one at {@code open} (the text's last index if none) */
    private static int closing(String s, int open) {
        int level = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                i = readQuoted(s, i, '\'', false) - 1;
            } else if (c == '(') {
                level++;
            } else if (c == ')' && --level == 0) {
                return i;
            }
        }
        return s.length() - 1;
    }

    /** A word of the relaxed reading: upper-case text, position, parenthesis depth. */
    private static final class Tok {
        final String upper;
        final int start;
        final int end;
        final int depth;

        Tok(String upper, int start, int end, int depth) {
            this.upper = upper;
            this.start = start;
            this.end = end;
            this.depth = depth;
        }
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
        String previousWord = "";
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
                String upper = sql.substring(i, j).toUpperCase(Locale.ROOT);
                if (!mysql && upper.equals("ONLY") && (previousWord.equals("FROM") || previousWord.equals("JOIN")
                        || previousWord.equals("UPDATE"))) {
                    out.append(" "); // PostgreSQL `FROM ONLY t` (no child tables): Calcite would read ONLY as the table
                } else {
                    out.append(sql, i, j);
                }
                if (depth == 0) {
                    words.add(new Word(upper, start, out.length()));
                }
                previousWord = upper;
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
