package io.tenantroute.migrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.Dialect;
import io.tenantroute.config.internal.FlywayMigrations;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Control tables V102 give a cleanup's move and a move's identity ranges columns of their own (issue 15). Rows a
 * build before V102 wrote — a cleanup naming its move as {@code mode = 'move:<id>'}, identity ranges as
 * {@code identity} steps with the column in {@code checksum} — are copied by the migration and read correctly.
 */
class JournalV102Test {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void v102_readsAndCopiesRowsWrittenBeforeIt(Engine engine) throws Exception {
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("jv102"); Connection c = db.connect()) {
            String schema = engine == Engine.POSTGRESQL ? "tr_journal" : db.name() + "_ctl";
            Dialect d = engine == Engine.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MYSQL;
            try {
                // control tables as a build before V102 left them
                Flyway.configure(FlywayMigrations.class.getClassLoader())
                        .dataSource(db.url(), null, null)
                        .schemas(schema).defaultSchema(schema).createSchemas(true)
                        .table(FlywayMigrations.HISTORY_TABLE)
                        .locations("classpath:io/tenantroute/config/db/" + d.location(), "classpath:io/tenantroute/migrator/db/" + d.location())
                        .placeholders(d == Dialect.MYSQL ? Map.of("tenant_collation", "utf8mb4_bin") : Map.of())
                        .target("101")
                        .load().migrate();
                String m = d.q(schema, "migrations");
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO " + m + " (id, tenant, source, target, mode, status, kind) VALUES (7, 'acme', 'shared', 'eu1',"
                            + " 'online', 'done', 'move')");
                    s.executeUpdate("INSERT INTO " + m + " (id, tenant, source, target, mode, status, kind) VALUES (8, 'acme', 'shared', 'eu1',"
                            + " 'move:7', 'done', 'cleanup')");
                    s.executeUpdate("INSERT INTO " + d.q(schema, "migration_steps") + " (migration_id, step, table_name, rows_count, checksum)"
                            + " VALUES (7, 'identity', 'customers', 268435457, 'id')");
                }
                ControlSchema.init(c, schema); // applies V102
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT cleaned_move_id FROM " + m + " WHERE id = 8")) {
                    r.next();
                    assertEquals(7, r.getLong(1), "V102 copies the move id out of mode");
                }
                MigrationJournal journal = new MigrationJournal(db::connect, schema);
                assertEquals(Long.valueOf(7), journal.get(8).cleanedMoveId());
                assertNull(journal.get(7).cleanedMoveId());
                assertNotNull(journal.cleanedUp(7));
                assertEquals(List.of(new MigrationJournal.IdentityRange("customers", "id", 268435457)), journal.identityRanges(7));

                // a row written after V102 by an older build (mode only) is still read as a cleanup of its move
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO " + m + " (id, tenant, source, target, mode, status, kind) VALUES (9, 'globex', 'shared', 'eu1',"
                            + " 'online', 'done', 'move')");
                    s.executeUpdate("INSERT INTO " + m + " (id, tenant, source, target, mode, status, kind) VALUES (10, 'globex', 'shared', 'eu1',"
                            + " 'move:9', 'done', 'cleanup')");
                }
                assertEquals(Long.valueOf(9), journal.get(10).cleanedMoveId());
                assertEquals(10, journal.cleanedUp(9).id());
                // and this build writes the column, not the mode
                long id = journal.begin(JournalKind.CLEANUP, "globex", "shared", null, "eu1", null, "online", 9L, "test");
                assertEquals(Long.valueOf(9), journal.get(id).cleanedMoveId());
                assertEquals("online", journal.get(id).mode());
                journal.identityRange(9, "customers", "id", 1L << 33);
                assertEquals(List.of(new MigrationJournal.IdentityRange("customers", "id", 1L << 33)), journal.identityRanges(9));
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute(engine == Engine.POSTGRESQL ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE" : "DROP DATABASE IF EXISTS " + d.q(schema));
                }
            }
        }
    }
}
