package io.tenantroute.cli;

import io.tenantroute.cli.internal.Errors;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.MoveListener;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.TenantArchives;
import io.tenantroute.migrator.TenantCleanup;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Plumbing of the archive commands ({@code export}, {@code import}, {@code cleanup}): services, durations, progress, errors. */
final class ArchiveSupport {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*([dhms])");

    private ArchiveSupport() {
    }

    static Target shared(MigratorSupport common) {
        return new Target(Target.SHARED, common.sharedUrl != null ? common.sharedUrl : common.requireControl(), null, PasswordRef.NONE, 0);
    }

    static TenantArchives archives(MigratorSupport common, TenantMapStore store, MigrationJournal journal) {
        return new TenantArchives(store, journal, TargetConnector.direct(), shared(common));
    }

    static TenantCleanup cleanup(MigratorSupport common, TenantMapStore store, MigrationJournal journal) {
        return new TenantCleanup(store, journal, TargetConnector.direct(), shared(common));
    }

    /**
     * @param text {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, or ISO-8601 ({@code P7D}, {@code PT12H})
     * @throws IllegalArgumentException when it is neither
     */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "d": return Duration.ofDays(n);
                case "h": return Duration.ofHours(n);
                case "m": return Duration.ofMinutes(n);
                default: return Duration.ofSeconds(n);
            }
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("a duration is like 7d, 12h, 30m, 45s or P7D, was '" + text + "'");
        }
    }

    /** @return {@code error [SQLSTATE]: reason}, one line, credentials masked */
    static String error(Exception e) {
        return "error" + Errors.stateOf(e) + ": " + MigratorSupport.oneLine(e);
    }

    /**
     * Progress like {@code migrate}: a bar per table on a terminal (me.tongfei progressbar), timestamped lines
     * otherwise, JSON events with {@code --json}. {@code verb} names what happens to rows (archive, load, delete).
     */
    static final class Progress implements MoveListener, AutoCloseable {
        private final MigratorSupport common;
        private final boolean tty = System.console() != null;
        private final Map<String, ProgressBar> bars = new ConcurrentHashMap<>();
        private volatile String verb = "rows";

        Progress(MigratorSupport common) {
            this.common = common;
        }

        @Override
        public synchronized void step(String step, String detail) {
            verb = step;
            if (common.json) {
                common.json(Map.of("event", "step", "step", step, "detail", detail, "at", MigratorSupport.ts()));
            } else {
                System.out.println(MigratorSupport.ts() + " " + step + (detail.isEmpty() ? "" : " " + detail));
            }
        }

        @Override
        public synchronized void tableStarted(String table, long expectedRows) {
            if (common.json) {
                common.json(Map.of("event", "table", "step", verb, "table", table, "expectedRows", expectedRows, "at", MigratorSupport.ts()));
            } else if (tty) {
                bars.put(table, new ProgressBarBuilder().setTaskName(verb + " " + table).setInitialMax(Math.max(1, expectedRows))
                        .setStyle(ProgressBarStyle.ASCII).setUnit(" rows", 1).showSpeed().build());
            } else {
                System.out.println(MigratorSupport.ts() + " " + verb + " " + table + " (" + expectedRows + " rows)");
            }
        }

        @Override
        public void tableProgress(String table, long rows) {
            ProgressBar b = bars.get(table);
            if (b != null) {
                b.stepTo(rows);
            }
        }

        @Override
        public synchronized void tableDone(String table, long rows) {
            ProgressBar b = bars.remove(table);
            if (b != null) {
                b.stepTo(rows);
                b.close();
            } else if (common.json) {
                common.json(Map.of("event", "tableDone", "step", verb, "table", table, "rows", rows, "at", MigratorSupport.ts()));
            } else {
                System.out.println(MigratorSupport.ts() + " " + verb + " " + table + ": " + rows + " rows");
            }
        }

        @Override
        public void close() {
            bars.values().forEach(ProgressBar::close);
        }
    }
}
