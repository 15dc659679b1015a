package io.tenantroute.routing;

/**
 * Recognises the tenant-setting SQL the driver and the proxy intercept (never sent to the database):
 * <ul>
 *   <li>PostgreSQL style: {@code SET [SESSION] tenantroute.tenant = 'acme'} (or {@code TO}), {@code … = DEFAULT},
 *       {@code RESET tenantroute.tenant};</li>
 *   <li>MySQL style: {@code SET @tenantroute_tenant = 'acme'} (or {@code :=}), {@code … = NULL} / {@code DEFAULT}.</li>
 * </ul>
 * Values: a string literal — single quotes with doubled {@code ''}; the PostgreSQL form also takes escape strings
 * {@code E'…'} with C-style backslash escapes (as node-postgres' {@code escapeLiteral} writes them), the MySQL form
 * backslash escapes and double quotes — or a number ({@code SET @tenantroute_tenant = 3}, as MySQL apps with integer tenant ids write it),
 * which names the tenant written as {@link io.tenantroute.routing.sql.TenantValues#asTenant the number's canonical text}
 * ({@code 3}, {@code 3.0} and {@code '3'} all name tenant {@code 3}). {@code SET LOCAL tenantroute.tenant} is refused
 * (a tenant holds for the session). A trailing {@code ;} and whitespace are allowed. Pure function; thread-safe.
 */
public final class SetTenantParser {
    /**
     * The result of a recognised statement.
     *
     * @param tenant the tenant it sets, or null when it clears the tenant
     */
    public record SetTenant(String tenant) {
        /** @return true for RESET / DEFAULT / NULL: clear the SQL-set tenant */
        public boolean clears() {
            return tenant == null;
        }
    }

    private static final String PG_NAME = "tenantroute.tenant";
    private static final String MY_NAME = "@tenantroute_tenant";

    private SetTenantParser() {
    }

    /**
     * @param sql any statement text
     * @return the tenant statement, or null when {@code sql} is not one (it then goes to the database)
     * @throws IllegalArgumentException when it is a tenant statement with a malformed value
     */
    public static SetTenant parse(String sql) {
        if (sql == null) {
            return null;
        }
        int i = skipSpace(sql, 0);
        if (startsWithWord(sql, i, "RESET")) {
            int j = skipSpace(sql, i + 5);
            if (sql.regionMatches(true, j, PG_NAME, 0, PG_NAME.length())) {
                int k = skipSpace(sql, j + PG_NAME.length());
                if (atEnd(sql, k)) {
                    return new SetTenant(null);
                }
            }
            return null;
        }
        if (!startsWithWord(sql, i, "SET")) {
            return null;
        }
        int j = skipSpace(sql, i + 3);
        boolean mysql;
        if (sql.regionMatches(true, j, MY_NAME, 0, MY_NAME.length())) {
            mysql = true;
            j += MY_NAME.length();
        } else {
            if (startsWithWord(sql, j, "SESSION")) {
                j = skipSpace(sql, j + 7);
            } else if (startsWithWord(sql, j, "LOCAL")) {
                int k = skipSpace(sql, j + 5);
                if (sql.regionMatches(true, k, PG_NAME, 0, PG_NAME.length())
                        && (k + PG_NAME.length() >= sql.length() || !isIdentPart(sql.charAt(k + PG_NAME.length())))) {
                    throw new IllegalArgumentException("SET LOCAL tenantroute.tenant is not supported: the tenant holds for the"
                            + " session, use SET tenantroute.tenant");
                }
                return null;
            }
            if (!sql.regionMatches(true, j, PG_NAME, 0, PG_NAME.length())) {
                return null;
            }
            mysql = false;
            j += PG_NAME.length();
        }
        if (j < sql.length() && isIdentPart(sql.charAt(j))) {
            return null; // a longer name, e.g. tenantroute.tenant_x: not ours
        }
        j = skipSpace(sql, j);
        if (sql.startsWith(":=", j)) {
            j += 2;
        } else if (sql.startsWith("=", j)) {
            j += 1;
        } else if (!mysql && startsWithWord(sql, j, "TO")) {
            j += 2;
        } else {
            throw new IllegalArgumentException("malformed tenant statement: expected = after the name");
        }
        j = skipSpace(sql, j);
        if (startsWithWord(sql, j, "DEFAULT") || startsWithWord(sql, j, "NULL")) {
            int k = skipSpace(sql, j + (startsWithWord(sql, j, "NULL") ? 4 : 7));
            if (!atEnd(sql, k)) {
                throw new IllegalArgumentException("malformed tenant statement: unexpected text after the value");
            }
            return new SetTenant(null);
        }
        if (j < sql.length() && (Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '-' || sql.charAt(j) == '+')) {
            int k = j + 1;
            while (k < sql.length() && (Character.isDigit(sql.charAt(k)) || sql.charAt(k) == '.')) {
                k++;
            }
            String number = sql.substring(j, k);
            if (!atEnd(sql, skipSpace(sql, k))) {
                throw new IllegalArgumentException("malformed tenant statement: unexpected text after the value");
            }
            try {
                return new SetTenant(io.tenantroute.routing.sql.TenantValues.asTenant(new java.math.BigDecimal(number)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed tenant statement: '" + number + "' is not a number");
            }
        }
        // PostgreSQL escape strings E'…' (the manual, "String Constants With C-Style Escapes"): node-postgres'
        // escapeLiteral writes them for values with a backslash
        boolean escape = false;
        if (!mysql && j + 1 < sql.length() && (sql.charAt(j) == 'E' || sql.charAt(j) == 'e') && sql.charAt(j + 1) == '\'') {
            escape = true;
            j++;
        }
        if (j >= sql.length() || !(sql.charAt(j) == '\'' || (mysql && sql.charAt(j) == '"'))) {
            throw new IllegalArgumentException("malformed tenant statement: the tenant must be a string literal or a number");
        }
        char quote = sql.charAt(j);
        StringBuilder v = new StringBuilder();
        int k = j + 1;
        while (true) {
            if (k >= sql.length()) {
                throw new IllegalArgumentException("malformed tenant statement: unterminated string literal");
            }
            char c = sql.charAt(k);
            if (c == quote) {
                if (k + 1 < sql.length() && sql.charAt(k + 1) == quote) {
                    v.append(quote);
                    k += 2;
                    continue;
                }
                k++;
                break;
            }
            if (mysql && c == '\\' && k + 1 < sql.length()) {
                char n = sql.charAt(k + 1);
                v.append(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n == '0' ? '\0' : n);
                k += 2;
                continue;
            }
            if (escape && c == '\\' && k + 1 < sql.length()) {
                k = pgEscape(sql, k + 1, v);
                continue;
            }
            v.append(c);
            k++;
        }
        if (!atEnd(sql, skipSpace(sql, k))) {
            throw new IllegalArgumentException("malformed tenant statement: unexpected text after the value");
        }
        return new SetTenant(v.toString());
    }

    /**
     * One C-style escape of a PostgreSQL escape string: {@code \b \f \n \r \t}, octal {@code \ooo}, hex
     * {@code \xhh}, Unicode {@code \\uXXXX} / {@code \\UXXXXXXXX}; any other character stands for itself.
     *
     * @param s the text
     * @param i the index after the backslash
     * @param out where the character goes
     * @return the index after the escape
     */
    private static int pgEscape(String s, int i, StringBuilder out) {
        char n = s.charAt(i);
        switch (n) {
            case 'b': out.append('\b'); return i + 1;
            case 'f': out.append('\f'); return i + 1;
            case 'n': out.append('\n'); return i + 1;
            case 'r': out.append('\r'); return i + 1;
            case 't': out.append('\t'); return i + 1;
            case 'x': {
                int end = i + 1;
                while (end < s.length() && end < i + 3 && Character.digit(s.charAt(end), 16) >= 0) {
                    end++;
                }
                if (end == i + 1) {
                    out.append('x');
                    return i + 1;
                }
                out.append((char) Integer.parseInt(s.substring(i + 1, end), 16));
                return end;
            }
            case 'u':
            case 'U': {
                int len = n == 'u' ? 4 : 8;
                if (i + 1 + len > s.length()) {
                    throw new IllegalArgumentException("malformed tenant statement: invalid Unicode escape");
                }
                try {
                    out.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + len), 16));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("malformed tenant statement: invalid Unicode escape");
                }
                return i + 1 + len;
            }
            default:
                if (n >= '0' && n <= '7') {
                    int end = i;
                    while (end < s.length() && end < i + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
                        end++;
                    }
                    out.append((char) Integer.parseInt(s.substring(i, end), 8));
                    return end;
                }
                out.append(n);
                return i + 1;
        }
    }

    private static boolean atEnd(String s, int i) {
        if (i < s.length() && s.charAt(i) == ';') {
            i = skipSpace(s, i + 1);
        }
        return i >= s.length();
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean startsWithWord(String s, int i, String word) {
        return s.regionMatches(true, i, word, 0, word.length())
                && (i + word.length() >= s.length() || !isIdentPart(s.charAt(i + word.length())));
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.';
    }
}
