package io.tenantroute.proxy.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client program running in the background (started by {@link ClientPrograms#start}): its stdout is read
 * as it comes, line by line, each JSON object parsed, so a test can wait for a line (a writer's
 * {@code ready}, say) while the program runs. Thread-safe. {@link #close()} kills the process tree when it
 * still runs.
 */
public final class ClientProcess implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> command;
    private final Process process;
    private final long startNanos = System.nanoTime();
    private final List<String> stdout = new ArrayList<>();
    private final List<JsonNode> json = new ArrayList<>();
    private final List<String> nonJson = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread outReader;
    private final Thread errReader;

    private ClientProcess(List<String> command, Process process) {
        this.command = List.copyOf(command);
        this.process = process;
        this.outReader = daemon("client-stdout-" + process.pid(), () -> readStdout());
        this.errReader = daemon("client-stderr-" + process.pid(), () -> readStderr());
    }

    /**
     * Starts {@code command} in {@code dir} with the JVM's environment, less every inherited {@code TR_*},
     * {@code PG*} and {@code MYSQL*} variable (so nothing of the developer's shell changes a run), plus
     * {@code env}.
     *
     * @throws UncheckedIOException when the program cannot be started
     */
    static ClientProcess start(List<String> command, Path dir, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("TR_") || k.startsWith("PG") || k.startsWith("MYSQL"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            return new ClientProcess(command, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode node = null;
                if (line.startsWith("{")) {
                    try {
                        node = JSON.readTree(line);
                    } catch (IOException notJson) {
                        node = null;
                    }
                }
                synchronized (this) {
                    stdout.add(line);
                    if (node != null && node.isObject()) {
                        json.add(node);
                    } else {
                        nonJson.add(line);
                    }
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process was killed: what was read stays
        }
    }

    private void readStderr() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            char[] buf = new char[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (this) {
                    stderr.append(buf, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the process was killed: what was read stays
        }
    }

    /** @return the operating system's process id */
    public long pid() {
        return process.pid();
    }

    /** @return whether the process still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the JSON lines printed so far, in order (a copy) */
    public synchronized List<JsonNode> json() {
        return List.copyOf(json);
    }

    /**
     * Waits until a JSON line matching {@code condition} has been printed.
     *
     * @return the first such line
     * @throws AssertionError when {@code timeout} passes or the program exits first, with its output so far
     */
    public JsonNode awaitJson(Predicate<JsonNode> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int seen = 0;
            while (true) {
                for (; seen < json.size(); seen++) {
                    if (condition.test(json.get(seen))) {
                        return json.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
                    throw new AssertionError((left <= 0 ? "timed out after " + timeout.toMillis() + " ms" : "the program exited")
                            + " before printing the expected line\n" + snapshot(process.isAlive() ? -1 : process.exitValue()).describe());
                }
                wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
    }

    /** Asks the program to stop: SIGTERM (the writers finish their current write, print their summary and exit). */
    public void requestStop() {
        // Through the handle: Process.destroy() would also close our end of its stdout and lose the last lines.
        process.toHandle().destroy();
    }

    /**
     * Waits for the program to exit.
     *
     * @return its result
     * @throws AssertionError when {@code timeout} passes first: the whole process tree is killed and the message
     *         holds the output so far
     */
    public ClientResult finish(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            killTree();
            process.waitFor(5, TimeUnit.SECONDS);
            outReader.join(2000);
            errReader.join(2000);
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms; killed the process tree\n"
                    + snapshot(-1).describe());
        }
        outReader.join(10_000);
        errReader.join(10_000);
        return snapshot(process.exitValue());
    }

    private synchronized ClientResult snapshot(int exitCode) {
        return new ClientResult(command, exitCode, stdout, json, nonJson, stderr.toString(),
                Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** Kills the process and every descendant at once (SIGKILL); what they printed until then is kept. */
    public void killTree() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
    }

    /** Kills the process tree if it still runs. */
    @Override
    public void close() {
        if (process.isAlive() || process.descendants().findAny().isPresent()) {
            killTree();
        }
    }

    @Override
    public String toString() {
        return "ClientProcess[" + pid() + " " + String.join(" ", command) + "]";
    }
}
