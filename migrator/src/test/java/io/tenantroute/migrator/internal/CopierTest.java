package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The table copy on its own, against the real servers: values that break naive text formats round-trip exactly
 * (PostgreSQL COPY; MySQL LOAD DATA LOCAL INFILE and the batched-insert fallback), generated columns are left to the
 * target on every path, more rows than one MySQL load statement, and a target that rejects a row fails the copy and
 * keeps nothing.
 */
class CopierTest {
    /** Quotes, a backslash, SQL: bound or escaped, never interpreted. */
    static final String TENANT = "o'brien \\ \"x\"; DROP TABLE oddities; --";
    static final String NASTY_TEXT = "tab\there\nnewline\r\nCRLF back\\slash \\N \\. \u0001 end";
    static final byte[] ALL_BYTES = new byte[256];

    static {
        for (int i = 0; i < 256; i++) {
            ALL_BYTES[i] = (byte) i;
        }
    }

    static final String PG_DDL = "CREATE TABLE oddities (id int PRIMARY KEY, tenant_id varchar(255) NOT NULL, t text, b bytea,"
            + " ts timestamp(6), tstz timestamptz, n numeric(40,20), f8 float8, f4 real, j jsonb, js json, u text, arr int[],"
            + " bo boolean, iv interval, uid uuid, d date)";
    static final String MY_DDL = "CREATE TABLE oddities (id int AUTO_INCREMENT PRIMARY KEY, tenant_id varchar(255) NOT NULL, t text,"
            + " l varchar(50) CHARACTER SET latin1, b varbinary(300), bl blob, dt datetime(6), ts timestamp(6) NULL DEFAULT NULL, tm time(3),"
            + " y year, n decimal(40,20), f8 double, f4 float, j json, u varchar(100) CHARACTER SET utf8mb4, bo tinyint(1), bt bit(12),"
            + " b1 bit(1), e enum('a','b c'), st set('x','y'), d date) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    enum PgFormat {
        BINARY, TEXT
    }

    @ParameterizedTest
    @EnumSource(PgFormat.class)
    void postgres_nastyValues_roundTripExactly(PgFormat format) throws Exception {
        var server = TestDatabases.server(io.tenantroute.testsupport.Engine.POSTGRESQL);
        try (TestDatabase src = server.createDatabase("copy_src"); TestDatabase dst = server.createDatabase("copy_dst")) {
            src.execute(PG_DDL);
            dst.execute(PG_DDL);
            try (Connection c = src.connect(); PreparedStatement p = c.prepareStatement("INSERT INTO oddities VALUES (?, ?, ?, ?,"
                    + " CAST(? AS timestamp), CAST(? AS timestamptz), CAST(? AS numeric), CAST(? AS float8), CAST(? AS real), CAST(? AS jsonb),"
                    + " CAST(? AS json), ?, CAST(? AS int[]), CAST(? AS boolean), CAST(? AS interval), CAST(? AS uuid), CAST(? AS date))")) {
                Object[][] rows = {
                    {1, TENANT, NASTY_TEXT, ALL_BYTES, "2024-02-29 23:59:59.999999", "2024-03-31 01:30:00.123456+02",
                        "-12345678901234567890.12345678901234567890", "0.30000000000000004", "3.4028235e38",
                        "{\"a\": \"x\\ty\\n\\\\\", \"b\": [1, null, \"\u00fc\"], \"e\": \"\ud83d\ude00\"}", "{\"dup\": 1, \"dup\": 2,  \"ws\" : \"\\t\"}",
                        "\u03a9\ud83d\ude00 zero\u200bwidth", "{1,NULL,3}", "true", "1 year 2 mons -3 days 04:05:06.789",
                        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "infinity"},
                    {2, TENANT, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null},
                    {3, TENANT, "", new byte[0], "0001-01-01 00:00:00", "1970-01-01 00:00:00.000001+00", "0", "-0", "NaN", "{}", "[]", "",
                        "{}", "false", "0", "00000000-0000-0000-0000-000000000000", "2000-01-01"},
                    {4, TENANT, "\\N", new byte[] {'\\', '\n', 0}, null, null, "1e-20", "1e308", "-Infinity", "\"\\\\N\"", "null", "\\.", null,
                        null, null, null, null},
                    {5, "other", "not this tenant", null, null, null, null, null, null, null, null, null, null, null, null, null, null},
                };
                insertAll(p, rows);
            }
            List<List<String>> expected = pgRows(src, TENANT);
            assertEquals(4, expected.size());
            assertEquals(NASTY_TEXT, expected.get(0).get(2));

            TableJob job = job(src, Dialect.POSTGRESQL, "public");
            AtomicLong reported = new AtomicLong();
            try (Connection s = src.connect(); Connection d = dst.connect()) {
                assertEquals(4, Copier.copyPg(s, "public", d, "public", job, TENANT, reported::set, format == PgFormat.BINARY));
            }
            assertEquals(4, reported.get());
            assertEquals(expected, pgRows(dst, TENANT));
            assertEquals(4, count(dst, "SELECT COUNT(*) FROM oddities"), "nothing of the other tenant");
            try (Connection c = dst.connect(); ResultSet r = c.createStatement().executeQuery("SELECT b, t FROM oddities WHERE id = 1")) {
                r.next();
                assertArrayEquals(ALL_BYTES, r.getBytes(1));
                assertEquals(NASTY_TEXT, r.getString(2));
            }
        }
    }

    @Test
    void postgres_typeWithoutBinaryIo_isCopiedAsText() throws Exception {
        var server = TestDatabases.server(io.tenantroute.testsupport.Engine.POSTGRESQL);
        try (TestDatabase src = server.createDatabase("copy_src"); TestDatabase dst = server.createDatabase("copy_dst")) {
            // aclitem has no binary send/receive: a binary COPY of it is refused by the server
            String ddl = "CREATE TABLE grants (id int PRIMARY KEY, tenant_id text NOT NULL, acl aclitem, note text)";
            src.execute(ddl, "INSERT INTO grants VALUES (1, 'acme', 'postgres=arwd/postgres', 'a\tb'), (2, 'acme', NULL, NULL),"
                    + " (3, 'other', NULL, 'x')");
            dst.execute(ddl);
            try (Connection s = src.connect(); Connection d = dst.connect()) {
                assertEquals(2, Copier.copy(Dialect.POSTGRESQL, s, "public", d, "public", job(src, Dialect.POSTGRESQL, "public", "grants"), "acme",
                        r -> { }));
            }
            String q = "SELECT string_agg(id || ':' || coalesce(acl::text, 'NULL') || ':' || coalesce(note, 'NULL'), ',' ORDER BY id)"
                    + " FROM grants WHERE tenant_id = 'acme'";
            try (Connection a = src.connect(); Connection b = dst.connect(); ResultSet ra = a.createStatement().executeQuery(q);
                 ResultSet rb = b.createStatement().executeQuery(q)) {
                ra.next();
                rb.next();
                assertEquals(ra.getString(1), rb.getString(1));
                assertTrue(rb.getString(1).contains("postgres=arwd/postgres"), rb.getString(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MySqlPath.class)
    void mysql_nastyValues_roundTripExactly(MySqlPath path) throws Exception {
        var server = TestDatabases.server(io.tenantroute.testsupport.Engine.MYSQL);
        try (TestDatabase src = server.createDatabase("copy_src"); TestDatabase dst = server.createDatabase("copy_dst")) {
            src.execute(MY_DDL);
            dst.execute(MY_DDL);
            try (Connection c = src.connect()) {
                try (Statement s = c.createStatement()) {
                    // a stored key 0 and a zero date, as legacy data has them
                    s.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'");
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO oddities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " b'101010101010', b'1', ?, ?, ?)")) {
                    Object[][] rows = {
                        {0, TENANT, NASTY_TEXT, "caf\u00e9 \\ \t", ALL_BYTES, ALL_BYTES, "2024-02-29 23:59:59.999999", "2024-03-31 01:30:00.000001",
                            "-838:59:58.500", "2024", new BigDecimal("-12345678901234567890.12345678901234567890"), 0.1 + 0.2, 3.4028235e38f,
                            "{\"a\": \"x\\ty\\n\\\\\", \"b\": [1, null, \"\u00fc\"], \"e\": \"\ud83d\ude00\"}", "\u03a9\ud83d\ude00 zero\u200bwidth", 1,
                            "b c", "x,y", "0000-00-00"},
                        {2, TENANT, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null},
                        {3, TENANT, "", "", new byte[0], new byte[0], "1000-01-01 00:00:00", "1970-01-01 00:00:01", "00:00:00", "0000",
                            BigDecimal.ZERO, -0.0, 1.0e-30f, "{}", "", 0, "a", "", "2024-02-29"},
                        {4, TENANT, "\\N", "\\N", new byte[] {'\\', '\n', 0, '\t'}, new byte[] {0}, null, null, null, "1901", new BigDecimal("1e-20"),
                            1.7976931348623157e308, -1.0f, "null", "\\.", null, null, null, null},
                        {5, "other", "not this tenant", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null},
                    };
                    insertAll(p, rows);
                }
            }
            List<List<String>> expected = myRows(src, TENANT);
            assertEquals(4, expected.size());

            TableJob job = job(src, Dialect.MYSQL, src.name());
            AtomicLong reported = new AtomicLong();
            try (Connection s = connect(src, true); Connection d = connect(dst, path == MySqlPath.LOAD_DATA)) {
                assertEquals(4, Copier.copy(Dialect.MYSQL, s, src.name(), d, dst.name(), job, TENANT, reported::set));
                // the path taken shows in the target session's statement counters
                long inserts = sessionStatus(d, "Com_insert");
                if (path == MySqlPath.LOAD_DATA) {
                    assertEquals(0, inserts, "LOAD DATA, not inserts");
                    assertTrue(sessionStatus(d, "Com_load") >= 2, "probe + load");
                } else {
                    assertTrue(inserts > 0, "fallback to inserts");
                }
            }
            assertEquals(4, reported.get());
            assertEquals(expected, myRows(dst, TENANT));
            assertEquals(4, count(dst, "SELECT COUNT(*) FROM oddities"), "nothing of the other tenant");
            try (Connection c = dst.connect(); ResultSet r = c.createStatement().executeQuery("SELECT b, t, bl FROM oddities WHERE id = 0")) {
                r.next();
                assertArrayEquals(ALL_BYTES, r.getBytes(1));
                assertEquals(NASTY_TEXT, r.getString(2));
                assertArrayEquals(ALL_BYTES, r.getBytes(3));
            }
        }
    }

    enum MySqlPath {
        LOAD_DATA, INSERT_FALLBACK
    }

    @ParameterizedTest
    @EnumSource(PgFormat.class)
    void postgres_generatedColumnsAreLeftToTheTarget_enumAndDomainColumnsCopied(PgFormat format) throws Exception {
        var server = TestDatabases.server(io.tenantroute.testsupport.Engine.POSTGRESQL);
        try (TestDatabase src = server.createDatabase("copy_src"); TestDatabase dst = server.createDatabase("copy_dst")) {
            String ddl = "CREATE TYPE mood AS ENUM ('sad', 'ok');"
                    + " CREATE DOMAIN pos AS integer CHECK (VALUE > 0);"
                    + " CREATE TABLE gen (id int PRIMARY KEY, twice int GENERATED ALWAYS AS (id * 2) STORED, tenant_id text NOT NULL,"
                    + " q pos, m mood, ms mood[], label text GENERATED ALWAYS AS ('#' || id) STORED, b bytea)";
            src.execute(ddl, "INSERT INTO gen (id, tenant_id, q, m, ms, b) VALUES (1, 'acme', 3, 'ok', '{sad,ok}', '\\x00ff'),"
                    + " (2, 'acme', NULL, NULL, NULL, NULL), (3, 'other', 1, 'sad', NULL, NULL)");
            dst.execute(ddl);
            try (Connection s = src.connect(); Connection d = dst.connect()) {
                assertEquals(2, Copier.copyPg(s, "public", d, "public", job(src, Dialect.POSTGRESQL, "public", "gen"), "acme", r -> { },
                        format == PgFormat.BINARY));
            }
            String q = "SELECT string_agg(concat_ws('|', id, twice, q, m, ms, label, encode(b, 'hex')), ',' ORDER BY id) FROM gen WHERE tenant_id = 'acme'";
            try (Connection a = src.connect(); Connection b = dst.connect(); ResultSet ra = a.createStatement().executeQuery(q);
                 ResultSet rb = b.createStatement().executeQuery(q)) {
                ra.next();
                rb.next();
                assertEquals("1|2|3|ok|{sad,ok}|#1|00ff,2|4|#2", rb.getString(1));
                assertEquals(ra.getString(1), rb.getString(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MySqlPath.class)
    void mysql_generatedColumnsAreLeftToTheTarget(MySqlPath path) throws Exception {
        var server = TestDatabases.server(io.tenantroute.testsupport.Engine.MYSQL);
        try (TestDatabase src = server.createDatabase("copy_src"); TestDatabase dst = server.createDatabase("copy_dst")) {
            // generated columns between the others, before a hex-loaded and a BIT column (their LOAD DATA variables)
            String ddl = "CREATE TABLE gen (id int AUTO_INCREMENT PRIMARY KEY, n int NOT NULL, twice int AS (n * 2) STORED,"
                    + " tenant_id varchar(50) NOT NULL, qty int, v int AS (qty + 1) VIRTUAL, b varbinary(10), bt bit(4),"
                    + " label varchar(20) AS (CONCAT('#', n)) PERSISTENT) ENGINE=InnoDB";
            src.execute(ddl, "INSERT INTO gen (id, n, tenant_id, qty, b, bt) VALUES (1, 1, 'acme', 5, X'00ff', b'1010'),"
                    + " (2, 2, 'acme', NULL, NULL, NULL), (3, 3, 'other', 1, NULL, NULL)");
            dst.execute(ddl);
            try (Connection s = connect(src, true); Connection d = connect(dst, path == MySqlPath.LOAD_DATA)) {
                assertEquals(2, Copier.copy(Dialect.MYSQL, s, src.name(), d, dst.name(), job(src, Dialect.MYSQL, src.name(), "gen"), "acme",
                        r -> { }));
                assertEquals(path == MySqlPath.LOAD_DATA, sessionStatus(d, "Com_insert") == 0, "the path taken");
            }
            String q = "SELECT GROUP_CONCAT(CONCAT_WS('|', id, twice, qty, v, HEX(b), bt + 0, label) ORDER BY id SEPARATOR ',') FROM gen"
                    + " WHERE tenant_id = 'acme'";
            try (Connection a = src.connect(); Connection b = dst.connect(); ResultSet ra = a.createStatement().executeQuery(q);
                 ResultSet rb = b.createStatement().executeQuery(q)) {
                ra.next();
                rb.next();
                assertEquals("1|2|5|6|00FF|10|#1,2|4|#2", rb.getString(1));
                assertEquals(ra.getString(1), rb.getString(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(io.tenantroute.testsupport.Engine.class)
    void moreRowsThanOneLoadStatement_allArriveOnce(io.tenantroute.testsupport.Engine engine) throws Exception {
        var server = TestDatabases.server(engine);
        Dialect e = engine == io.tenantroute.testsupport.Engine.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
        int n = Copier.LOAD_ROWS + 7_321;
        try (TestDatabase src = server.createDatabase("copy_src"); TestDatabase dst = server.createDatabase("copy_dst")) {
            String ddl = "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, label varchar(100) NOT NULL)";
            src.execute(ddl);
            dst.execute(ddl);
            src.execute(e == Dialect.POSTGRESQL
                    ? "INSERT INTO items SELECT g, CASE WHEN g % 10 = 0 THEN 'other' ELSE 'acme' END, 'item ' || g FROM generate_series(1, "
                            + (n * 10 / 9 + 1) + ") g"
                    : "INSERT INTO items SELECT seq, IF(seq % 10 = 0, 'other', 'acme'), CONCAT('item ', seq) FROM seq_1_to_" + (n * 10 / 9 + 1));
            long expected = count(src, "SELECT COUNT(*) FROM items WHERE tenant_id = 'acme'");
            assertTrue(expected > Copier.LOAD_ROWS, "more than one LOAD DATA statement");
            String schema = e == Dialect.POSTGRESQL ? "public" : src.name();
            List<Long> reports = new ArrayList<>();
            try (Connection s = connect(src, true); Connection d = connect(dst, true)) {
                assertEquals(expected, Copier.copy(e, s, schema, d, e == Dialect.POSTGRESQL ? "public" : dst.name(), job(src, e, schema, "items"),
                        "acme", reports::add));
            }
            assertEquals(expected, count(dst, "SELECT COUNT(*) FROM items"));
            String sum = "SELECT SUM(id) + SUM(LENGTH(label)) FROM items WHERE tenant_id = 'acme'";
            assertEquals(count(src, sum), count(dst, sum));
            assertEquals(expected, reports.get(reports.size() - 1));
            for (int i = 1; i < reports.size(); i++) {
                assertTrue(reports.get(i) >= reports.get(i - 1), "progress never goes back: " + reports);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(io.tenantroute.testsupport.Engine.class)
    void targetRejectsARow_copyFails_targetKeepsNothing_sourceConnectionStillUsable(io.tenantroute.testsupport.Engine engine) throws Exception {
        var server = TestDatabases.server(engine);
        Dialect e = engine == io.tenantroute.testsupport.Engine.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
        try (TestDatabase src = server.createDatabase("copy_src"); TestDatabase dst = server.createDatabase("copy_dst")) {
            String ddl = "CREATE TABLE items (id bigint PRIMARY KEY, tenant_id varchar(64) NOT NULL, label varchar(100) NOT NULL)";
            src.execute(ddl);
            dst.execute(ddl);
            src.execute(e == Dialect.POSTGRESQL
                    ? "INSERT INTO items SELECT g, 'acme', 'item ' || g FROM generate_series(1, 20000) g"
                    : "INSERT INTO items SELECT seq, 'acme', CONCAT('item ', seq) FROM seq_1_to_20000");
            // a row already on the target with a key the copy brings again (e.g. another tenant's on a shared target)
            dst.execute("INSERT INTO items VALUES (15000, 'someone', 'in the way')");
            String schema = e == Dialect.POSTGRESQL ? "public" : src.name();
            try (Connection s = connect(src, true); Connection d = connect(dst, true)) {
                SQLException ex = assertThrows(SQLException.class, () -> Copier.copy(e, s, schema, d, e == Dialect.POSTGRESQL ? "public" : dst.name(),
                        job(src, e, schema, "items"), "acme", r -> { }));
                if (e == Dialect.MYSQL) {
                    // LOAD DATA LOCAL turns the duplicate into a warning; the copier turns it back into a failure
                    assertTrue(TenantRouteSqlState.MIGRATION_FAILED.matches(ex), ex.getSQLState() + " " + ex.getMessage());
                    assertTrue(ex.getMessage().contains("1062"), ex.getMessage());
                }
                // the reader thread has let go of the source connection: it runs statements again
                try (Statement st = s.createStatement(); ResultSet r = st.executeQuery("SELECT COUNT(*) FROM items")) {
                    r.next();
                    assertEquals(20000, r.getLong(1));
                }
            }
            assertEquals(1, count(dst, "SELECT COUNT(*) FROM items"), "the failed copy left nothing behind");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void insertAll(PreparedStatement p, Object[][] rows) throws SQLException {
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                p.setObject(i + 1, row[i]);
            }
            p.addBatch();
        }
        p.executeBatch();
    }

    private static Connection connect(TestDatabase db, boolean localInfile) throws SQLException {
        if (localInfile) {
            return TargetConnector.direct().open(new Target("t", db.url(), null, PasswordRef.NONE, 0));
        }
        return DriverManager.getConnection(db.url());
    }

    private static TableJob job(TestDatabase src, Dialect e, String schema) throws SQLException {
        return job(src, e, schema, "oddities");
    }

    private static TableJob job(TestDatabase src, Dialect e, String schema, String table) throws SQLException {
        try (Connection c = src.connect()) {
            Map<String, Catalog.Table> tables = Catalog.read(c, e, schema);
            for (Ownership o : Planner.owned(tables, "tenant_id", Map.of())) {
                if (o.table().equals(table)) {
                    return new TableJob(tables.get(table), o);
                }
            }
        }
        throw new AssertionError("no owned table " + table);
    }

    /** Every column as PostgreSQL's own text rendering, by key. */
    private static List<List<String>> pgRows(TestDatabase db, String tenant) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement p = c.prepareStatement("SELECT * FROM oddities WHERE tenant_id = ? ORDER BY id")) {
            p.setString(1, tenant);
            try (ResultSet r = p.executeQuery()) {
                int n = r.getMetaData().getColumnCount();
                while (r.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(r.getString(i));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    /** Every column as the bytes MySQL sends (its text rendering; raw bytes for binary), hex, by key. */
    private static List<List<String>> myRows(TestDatabase db, String tenant) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        // FLOAT renders with 6 digits: its exact value shows only as a DOUBLE
        try (Connection c = db.connect();
             PreparedStatement p = c.prepareStatement("SELECT *, CAST(f4 AS DOUBLE) FROM oddities WHERE tenant_id = ? ORDER BY id")) {
            p.setString(1, tenant);
            try (ResultSet r = p.executeQuery()) {
                int n = r.getMetaData().getColumnCount();
                while (r.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        byte[] b = r.getBytes(i);
                        row.add(b == null ? "NULL" : HexFormat.of().formatHex(b) + " " + new String(b, StandardCharsets.UTF_8));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private static long count(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long sessionStatus(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SHOW SESSION STATUS LIKE ?")) {
            p.setString(1, name);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getLong(2) : -1;
            }
        }
    }
}
