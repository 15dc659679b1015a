package io.tenantroute.proxy.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The writers' ledgers ({@code pg-writers.mjs}, {@code php/mysql_writers.php}): one JSON line per
 * acknowledged row, {@code {"id": …, "tenant": "…", "table": "items|invoices|invoice_lines", "writer": n}},
 * and the check that a database holds exactly those rows.
 */
public final class Ledger {
    /** One acknowledged row. */
    public record Entry(long id, String tenant, String table, int writer) {
    }

    /**
     * How a table compares with the ledger.
     *
     * @param table      the table
     * @param acked      ids the ledger holds for it
     * @param missing    acknowledged ids not in the database: lost writes
     * @param unexpected ids in the database the ledger does not hold (e.g. a commit whose answer was lost)
     * @param duplicated ids the ledger holds more than once (a writer bug: ids are unique by construction)
     */
    public record Comparison(String table, int acked, Set<Long> missing, Set<Long> unexpected, Set<Long> duplicated) {
        /** @return whether the database holds every acknowledged row exactly once and nothing else */
        public boolean exact() {
            return missing.isEmpty() && unexpected.isEmpty() && duplicated.isEmpty();
        }

        @Override
        public String toString() {
            return table + ": " + acked + " acknowledged, missing " + first(missing) + ", unexpected " + first(unexpected)
                    + ", duplicated " + first(duplicated);
        }

        private static String first(Set<Long> ids) {
            return ids.size() <= 10 ? ids.toString() : ids.size() + " ids, first " + new ArrayList<>(ids).subList(0, 10);
        }
    }

    private Ledger() {
    }

    /** Reads and concatenates ledger files (a missing file is empty: its writer acknowledged nothing). */
    public static List<Entry> read(Path... files) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = ClientProcess.JSON.readTree(line);
                out.add(new Entry(n.get("id").asLong(), n.get("tenant").asText(), n.get("table").asText(), n.path("writer").asInt(-1)));
            }
        }
        return out;
    }

    /**
     * Compares one table of a database with the ledger: every id of {@code table}'s entries must be there,
     * once (ids are primary keys), and the table must hold no other row.
     *
     * @param where an extra SQL condition restricting the rows compared ({@code "id >= 1000"}), or {@code null}
     */
    public static Comparison compare(Connection c, String table, List<Entry> ledger, String where) throws SQLException {
        if (!ClientSchema.TABLES.contains(table)) {
            throw new IllegalArgumentException("not a client table: " + table);
        }
        Map<Long, Integer> acked = new HashMap<>();
        for (Entry e : ledger) {
            if (e.table().equals(table)) {
                acked.merge(e.id(), 1, Integer::sum);
            }
        }
        Set<Long> inDb = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + (where == null ? "" : " WHERE " + where));
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                inDb.add(rs.getLong(1));
            }
        }
        Set<Long> missing = new TreeSet<>(acked.keySet());
        missing.removeAll(inDb);
        Set<Long> unexpected = new TreeSet<>(inDb);
        unexpected.removeAll(acked.keySet());
        Set<Long> duplicated = new TreeSet<>();
        acked.forEach((id, n) -> {
            if (n > 1) {
                duplicated.add(id);
            }
        });
        return new Comparison(table, acked.size(), missing, unexpected, duplicated);
    }

    /**
     * Compares every client table; see {@link #compare(Connection, String, List, String)}.
     *
     * @return one comparison per table of {@link ClientSchema#TABLES}
     */
    public static List<Comparison> compareAll(Connection c, List<Entry> ledger) throws SQLException {
        List<Comparison> out = new ArrayList<>();
        for (String t : ClientSchema.TABLES) {
            out.add(compare(c, t, ledger, null));
        }
        return out;
    }
}
