package io.tenantroute.proxy.pg;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code options} startup parameter: command-line options for the server session, as libpq documents them
 * ("Parameter Key Words" → {@code options}; the server's "Command-Line Options" for {@code -c name=value} and
 * {@code --name=value}): separated by white space, a backslash escapes the next character (so {@code \ } is a space in a
 * value). Only {@code -c}/{@code --} settings are understood; anything else is refused. Pure; thread-safe.
 */
final class PgOptions {
    private PgOptions() {
    }

    /**
     * @param options the value of the {@code options} parameter
     * @return setting name → value, in order
     * @throws java.sql.SQLException {@code 08P01}-class {@code 22023} (invalid_parameter_value) for an option that is not a
     *     setting, or a setting without {@code =}
     */
    static Map<String, String> parse(String options) throws java.sql.SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        java.util.List<String> words = new java.util.ArrayList<>();
        StringBuilder w = null;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '\\' && i + 1 < options.length()) {
                w = w == null ? new StringBuilder() : w;
                w.append(options.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (w != null) {
            words.add(w.toString());
        }
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String setting;
            if (word.equals("-c")) {
                if (i + 1 >= words.size()) {
                    throw invalid("-c without a setting");
                }
                setting = words.get(++i);
            } else if (word.startsWith("-c")) {
                setting = word.substring(2);
            } else if (word.startsWith("--")) {
                setting = word.substring(2);
            } else {
                throw invalid("unsupported option '" + word + "' (only -c name=value and --name=value)");
            }
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw invalid("setting '" + setting + "' has no value (name=value)");
            }
            out.put(setting.substring(0, eq).replace('-', '_'), setting.substring(eq + 1));
        }
        return out;
    }

    private static java.sql.SQLException invalid(String what) {
        return new java.sql.SQLException("invalid options startup parameter: " + what, "22023");
    }
}
