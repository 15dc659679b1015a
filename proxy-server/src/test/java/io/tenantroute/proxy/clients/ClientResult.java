package io.tenantroute.proxy.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a client program did: its exit code, its stdout lines (each JSON object parsed), its stderr.
 * Immutable and thread-safe. The scripts' line shapes are described in {@code src/test/clients/README.md}:
 * {@code config}, {@code error}, {@code mismatch}, {@code result}, {@code ready}, {@code writer} and, last,
 * one {@code summary}.
 */
public final class ClientResult {
    private static final int SHOWN_CHARS = 12_000;

    private final List<String> command;
    private final int exitCode;
    private final List<String> stdout;
    private final List<JsonNode> json;
    private final List<String> nonJson;
    private final String stderr;
    private final Duration elapsed;

    ClientResult(List<String> command, int exitCode, List<String> stdout, List<JsonNode> json, List<String> nonJson,
                 String stderr, Duration elapsed) {
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stdout = List.copyOf(stdout);
        this.json = List.copyOf(json);
        this.nonJson = List.copyOf(nonJson);
        this.stderr = stderr;
        this.elapsed = elapsed;
    }

    /** @return the command line (never holds a password: those go in the environment) */
    public List<String> command() {
        return command;
    }

    /** @return the exit code */
    public int exitCode() {
        return exitCode;
    }

    /** @return every stdout line, in order */
    public List<String> stdout() {
        return stdout;
    }

    /** @return the stdout lines that were JSON objects, parsed, in order */
    public List<JsonNode> json() {
        return json;
    }

    /** @return the stdout lines that were not JSON objects (a script prints none; a CLI prints only these) */
    public List<String> nonJsonStdout() {
        return nonJson;
    }

    /** @return everything on stderr */
    public String stderr() {
        return stderr;
    }

    /** @return wall time from start to exit */
    public Duration elapsed() {
        return elapsed;
    }

    /** @return the JSON lines whose {@code type} is {@code type}, in order */
    public List<JsonNode> ofType(String type) {
        return json.stream().filter(n -> type.equals(n.path("type").asText())).collect(Collectors.toUnmodifiableList());
    }

    /** @return the {@code error} lines: {@code op}, {@code sqlstate}, {@code code}, {@code message}, and where known {@code client}, {@code writer}, {@code id}, {@code uncertain} */
    public List<JsonNode> errors() {
        return ofType("error");
    }

    /** @return the {@code mismatch} lines: {@code op}, {@code expected}, {@code actual} */
    public List<JsonNode> mismatches() {
        return ofType("mismatch");
    }

    /**
     * @return the last {@code summary} line: {@code script}, {@code ok}, {@code errors}, {@code mismatches},
     *         {@code counts} and the script's own fields
     * @throws AssertionError when the program printed none (it crashed or was killed), with its output
     */
    public JsonNode summary() {
        List<JsonNode> s = ofType("summary");
        if (s.isEmpty()) {
            throw new AssertionError("no summary line from the program\n" + describe());
        }
        return s.get(s.size() - 1);
    }

    /** @return the summary's {@code counts.<name>}, 0 when absent */
    public long count(String name) {
        return summary().path("counts").path(name).asLong(0);
    }

    /**
     * Asserts what a passing script shows: exit code 0, a summary with {@code ok: true}, no error and no
     * mismatch line.
     *
     * @return this
     * @throws AssertionError otherwise, with the program's whole output
     */
    public ClientResult assertOk() {
        boolean ok = exitCode == 0 && !ofType("summary").isEmpty() && summary().path("ok").asBoolean(false)
                && errors().isEmpty() && mismatches().isEmpty();
        if (!ok) {
            throw new AssertionError("client program failed\n" + describe());
        }
        return this;
    }

    /**
     * @return this
     * @throws AssertionError when the exit code differs, with the program's whole output
     */
    public ClientResult assertExit(int expected) {
        if (exitCode != expected) {
            throw new AssertionError("expected exit code " + expected + "\n" + describe());
        }
        return this;
    }

    /** @return the command, exit code, elapsed time, stdout and stderr (each cut to its last 12,000 characters) */
    public String describe() {
        return "command: " + String.join(" ", command) + "\nexit code: " + exitCode + " after " + elapsed.toMillis() + " ms"
                + "\n--- stdout ---\n" + tail(String.join("\n", stdout)) + "\n--- stderr ---\n" + tail(stderr);
    }

    static String tail(String s) {
        return s.length() <= SHOWN_CHARS ? s : "…" + s.substring(s.length() - SHOWN_CHARS);
    }

    @Override
    public String toString() {
        return "ClientResult[" + String.join(" ", command) + " → " + exitCode + "]";
    }
}
