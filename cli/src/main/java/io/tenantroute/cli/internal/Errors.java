package io.tenantroute.cli.internal;

import io.tenantroute.config.Target;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception thrown by a command into exit code 1 and one line on standard error:
 * {@code tenantroute: error [SQLSTATE]: message}. Secrets are scrubbed: URL passwords are masked
 * ({@link Target#maskUrl}) and any password given in a URL on the command line is blanked wherever it appears.
 * The stack trace is printed only with {@code --verbose}. Stateless and thread-safe.
 */
public final class Errors implements IExecutionExceptionHandler {
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(?:password|pass|pwd)=([^&;\\s]+)|//[^/@:\\s]*:([^@/\\s]+)@");

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        List<String> secrets = secrets(parseResult);
        PrintWriter err = commandLine.getErr();
        err.println("tenantroute: error" + stateOf(ex) + ": " + scrub(oneLine(ex), secrets));
        if (matched(parseResult, "--verbose")) {
            StringWriter sw = new StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            err.print(scrub(sw.toString(), secrets));
        }
        err.flush();
        return 1;
    }

    /**
     * @param ex any exception
     * @return " [SQLSTATE]" for an SQLException that has a state, else ""
     */
    public static String stateOf(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
                return " [" + ((SQLException) t).getSQLState() + "]";
            }
        }
        return "";
    }

    /**
     * @param ex any exception
     * @return the first line of its message (or its class name when it has none)
     */
    public static String oneLine(Throwable ex) {
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            m = ex.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).trim();
    }

    /**
     * @param text any text
     * @param secrets literal secrets to blank
     * @return the text with URL passwords masked and the secrets replaced by {@code ***}
     */
    public static String scrub(String text, List<String> secrets) {
        String s = Target.maskUrl(text);
        for (String secret : secrets) {
            if (secret.length() >= 1) {
                s = s.replace(secret, "***");
            }
        }
        return s;
    }

    /** @return passwords found in URL-valued options of the command line */
    private static List<String> secrets(ParseResult pr) {
        List<String> out = new ArrayList<>();
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            for (String opt : new String[] {"--control", "--url", "--shared"}) {
                if (p.hasMatchedOption(opt)) {
                    Object v = p.matchedOptionValue(opt, null);
                    if (v != null) {
                        Matcher m = URL_PASSWORD.matcher(String.valueOf(v));
                        while (m.find()) {
                            out.add(m.group(1) != null ? m.group(1) : m.group(2));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean matched(ParseResult pr, String option) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }
}
