package io.tenantroute.routing.sql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records statements that fell back to {@code shared} because nothing named their tenant (the routing audit):
 * counts every one, logs each distinct SQL text once, and, when an audit file is configured, appends one line per
 * distinct SQL text: {@code <ISO instant> TAB <reason> TAB <tables, comma-separated> TAB <sql on one line>}.
 * A user reads that file before moving anyone: each line is a statement a move would leave behind on shared.
 *
 * <p>Thread-safe. "Once" holds per JVM while the text stays among the last 10,000 recorded; a restarted app
 * appends its shapes again (readers deduplicate by the last column).
 */
public final class FallbackAudit {
    /** Why a statement fell back. */
    public enum Reason {
        /** Parsed; touches tenant-owned tables; nothing names a tenant. */
        NO_TENANT,
        /** Calcite could not parse it and no hint names a tenant. */
        UNPARSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(FallbackAudit.class);

    private final Path file;
    private final Runnable counter;
    private final LongAdder count = new LongAdder();
    private final Cache<String, Boolean> seen = Caffeine.newBuilder().maximumSize(10_000).build();

    /**
     * @param file the audit file to append to (created when missing), or null for none
     * @param counter called once per fallback, e.g. a metric's increment; may be null
     */
    public FallbackAudit(Path file, Runnable counter) {
        this.file = file;
        this.counter = counter;
    }

    /**
     * Records one fallback. Appending to the file blocks briefly (once per distinct text); an I/O error is logged,
     * never thrown: the audit must not fail the app's statement.
     *
     * @param sql the app's statement text
     * @param decision its routing decision
     * @param reason why it fell back
     */
    public void record(String sql, RoutingDecision decision, Reason reason) {
        count.increment();
        if (counter != null) {
            counter.run();
        }
        if (seen.asMap().putIfAbsent(sql, Boolean.TRUE) != null) {
            return;
        }
        String tables = String.join(",", decision.tables());
        String flat = SqlTenantInference.abbreviate(sql);
        LOG.warn("Statement names no tenant and runs on shared ({}{}): {}", reason,
                tables.isEmpty() ? "" : ", tables " + tables, flat);
        if (file != null) {
            String line = Instant.now() + "\t" + reason + "\t" + tables + "\t"
                    + sql.replaceAll("\\s+", " ").trim() + System.lineSeparator();
            synchronized (this) {
                try {
                    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    LOG.warn("Cannot append to the routing audit file {}: {}", file, e.toString());
                }
            }
        }
    }

    /** @return how many statements fell back since this audit was created */
    public long fallbacks() {
        return count.sum();
    }

    /** @return the audit file, or null */
    public Path file() {
        return file;
    }
}
