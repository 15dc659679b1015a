package io.tenantroute.proxy.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A small lexer for what the proxy must know of a statement's text without parsing it (is it {@code BEGIN}, a
 * session {@code SET}, a {@code LISTEN}; where do the statements of a multi-statement query end): words, strings,
 * quoted identifiers and punctuation, with comments skipped, in the lexical rules of each engine — PostgreSQL
 * (manual, "SQL Syntax → Lexical Structure": {@code --} and nested {@code /* *}{@code /} comments, {@code ''} escapes,
 * {@code E'…'} backslash escapes, {@code $tag$…$tag$} dollar quoting, {@code "…"} identifiers) and MySQL (reference
 * manual, "Comments" and "String Literals": {@code #}, {@code -- } and {@code /* *}{@code /} comments, {@code '…'} and
 * {@code "…"} strings with backslash escapes, {@code `…`} identifiers). Pure functions; thread-safe.
 */
public final class SqlWords {
    /** What a token is. */
    public enum Kind {
        /** A keyword or unquoted identifier; {@link Token#upper()} is its upper-case form. */
        WORD,
        /** A quoted identifier; {@link Token#value()} is its name. */
        IDENT,
        /** A string literal; {@link Token#value()} is its value. */
        STRING,
        /** A number. */
        NUMBER,
        /** Any other character, one per token (a {@code ;} ends a statement). */
        PUNCT
    }

    /**
     * One token.
     *
     * @param kind what it is
     * @param start its first character's index in the text
     * @param end the index after its last character
     * @param upper for {@link Kind#WORD}: upper case; else the raw text
     * @param value for strings and quoted identifiers: the unquoted value; else the raw text
     */
    public record Token(Kind kind, int start, int end, String upper, String value) {
        /** @param word an upper-case keyword @return true when this is that word */
        public boolean is(String word) {
            return kind == Kind.WORD && upper.equals(word);
        }

        /** @param c a character @return true when this is that punctuation */
        public boolean isPunct(char c) {
            return kind == Kind.PUNCT && upper.length() == 1 && upper.charAt(0) == c;
        }
    }

    /**
     * One statement of a (possibly multi-statement) text.
     *
     * @param text its text, from its first token to its last (comments inside kept, the {@code ;} not)
     * @param tokens its tokens
     */
    public record Statement(String text, List<Token> tokens) {
        /** @param i an index @return the i-th token's upper-case word, or "" when absent or not a word */
        public String word(int i) {
            return i < tokens.size() && tokens.get(i).kind() == Kind.WORD ? tokens.get(i).upper() : "";
        }

        /** @param word an upper-case word @return true when some token is that word */
        public boolean has(String word) {
            for (Token t : tokens) {
                if (t.is(word)) {
                    return true;
                }
            }
            return false;
        }
    }

    private SqlWords() {
    }

    /**
     * @param sql a text as the app sent it
     * @param mysql true for MySQL/MariaDB rules, false for PostgreSQL
     * @return its statements in order, empty ones (only {@code ;} or comments) left out; unmodifiable. An unterminated
     *     string or comment runs to the end of the text (the database reports the error).
     */
    public static List<Statement> split(String sql, boolean mysql) {
        List<Statement> out = new ArrayList<>(1);
        List<Token> current = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-'
                    && (!mysql || i + 2 >= n || Character.isWhitespace(sql.charAt(i + 2)))) {
                i = lineEnd(sql, i);
            } else if (mysql && c == '#') {
                i = lineEnd(sql, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockCommentEnd(sql, i, !mysql);
            } else if (c == '\'' || (mysql && c == '"')
                    || (!mysql && (c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\''
                        && (i == 0 || !isWordChar(sql.charAt(i - 1))))) {
                boolean escape = c != '\'' && c != '"'; // PostgreSQL E'…': backslash escapes
                StringBuilder v = new StringBuilder();
                int end = quoted(sql, escape ? i + 1 : i, escape ? '\'' : c, mysql || escape, v);
                current.add(new Token(Kind.STRING, i, end, sql.substring(i, end), v.toString()));
                i = end;
            } else if (c == '"' || (mysql && c == '`')) {
                StringBuilder v = new StringBuilder();
                int end = quoted(sql, i, c, false, v);
                current.add(new Token(Kind.IDENT, i, end, sql.substring(i, end), v.toString()));
                i = end;
            } else if (!mysql && c == '$' && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd);
                int close = sql.indexOf(tag, tagEnd);
                int end = close < 0 ? n : close + tag.length();
                current.add(new Token(Kind.STRING, i, end, sql.substring(i, end), sql.substring(tagEnd, close < 0 ? n : close)));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_' || sql.charAt(end) == '$')) {
                    end++;
                }
                String w = sql.substring(i, end);
                current.add(new Token(Kind.WORD, i, end, w.toUpperCase(Locale.ROOT), w));
                i = end;
            } else if (Character.isDigit(c)) {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.')) {
                    end++;
                }
                current.add(new Token(Kind.NUMBER, i, end, sql.substring(i, end), sql.substring(i, end)));
                i = end;
            } else if (c == ';') {
                flush(sql, current, out);
                current = new ArrayList<>();
                i++;
            } else {
                current.add(new Token(Kind.PUNCT, i, i + 1, String.valueOf(c), String.valueOf(c)));
                i++;
            }
        }
        flush(sql, current, out);
        return Collections.unmodifiableList(out);
    }

    private static void flush(String sql, List<Token> tokens, List<Statement> out) {
        if (!tokens.isEmpty()) {
            out.add(new Statement(sql.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end()),
                    Collections.unmodifiableList(tokens)));
        }
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static int lineEnd(String s, int i) {
        int nl = s.indexOf('\n', i);
        return nl < 0 ? s.length() : nl + 1;
    }

    private static int blockCommentEnd(String s, int start, boolean nested) {
        int depth = 0;
        int i = start;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                depth = nested ? depth + 1 : 1;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static int quoted(String s, int start, char quote, boolean backslash, StringBuilder value) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslash && c == '\\' && i + 1 < s.length()) {
                value.append(s.charAt(i + 1));
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

    /** @return the index after a {@code $tag$} opening at {@code i}, or -1 when none starts there */
    private static int dollarTagEnd(String s, int i) {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            if (j == i + 1 && Character.isDigit(s.charAt(j))) {
                return -1; // $1 is a parameter
            }
            j++;
        }
        return j < s.length() && s.charAt(j) == '$' ? j + 1 : -1;
    }
}
