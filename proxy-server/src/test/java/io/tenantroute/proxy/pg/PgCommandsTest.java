package io.tenantroute.proxy.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What the PostgreSQL session recognises in statement texts, read without a parser. */
class PgCommandsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "BEGIN | BEGIN | ",
            "begin isolation level serializable; | BEGIN | ",
            "START TRANSACTION READ ONLY | BEGIN | ",
            "COMMIT | COMMIT | ",
            "end work | COMMIT | ",
            "COMMIT AND CHAIN | OTHER | ",
            "COMMIT PREPARED 'x' | OTHER | ",
            "ROLLBACK | ROLLBACK | ",
            "ABORT | ROLLBACK | ",
            "ROLLBACK TO SAVEPOINT s1 | OTHER | ",
            "SET search_path TO app, public | SET | search_path",
            "set SESSION statement_timeout = 5000 | SET | statement_timeout",
            "SET LOCAL statement_timeout = 5 | OTHER | ",
            "SET TIME ZONE 'UTC' | SET | timezone",
            "set names 'utf8' | SET | client_encoding",
            "SET application_name = 'billing' | SET | application_name",
            "SET myapp.user_id = 7 | SET | myapp.user_id",
            "SET \"DateStyle\" TO ISO | SET | DateStyle",
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE | OTHER | ",
            "RESET search_path | RESET | search_path",
            "RESET ALL | RESET_ALL | ",
            "DISCARD ALL | DISCARD_ALL | ",
            "DISCARD PLANS | OTHER | ",
            "DEALLOCATE pdo_stmt_00000001 | DEALLOCATE | pdo_stmt_00000001",
            "DEALLOCATE PREPARE \"Q1\" | DEALLOCATE | Q1",
            "DEALLOCATE ALL | DEALLOCATE_ALL | ",
            "SELECT 1 | OTHER | ",
            "/* begin */ SELECT 'BEGIN' -- commit | OTHER | ",
    })
    void statementsAreRecognised(String sql, PgCommands.Kind kind, String name) {
        PgCommands.Command c = PgCommands.single(sql);
        assertEquals(kind, c.kind());
        assertEquals(name, c.name());
    }

    @Test
    void severalStatements_areNotASingleCommand_butEachIsClassified() {
        assertNull(PgCommands.single("BEGIN; INSERT INTO t VALUES (1)"));
        List<PgCommands.Command> all = PgCommands.of("SET a.b = 1; SELECT ';'; RESET ALL;");
        assertEquals(List.of(PgCommands.Kind.SET, PgCommands.Kind.OTHER, PgCommands.Kind.RESET_ALL),
                all.stream().map(PgCommands.Command::kind).toList());
        assertEquals("SELECT ';'", all.get(1).text());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "LISTEN invoices | listen",
            "SELECT pg_advisory_lock(42) | advisory_lock",
            "select pg_try_advisory_lock_shared(1, 2) | advisory_lock",
            "DECLARE c CURSOR WITH HOLD FOR SELECT 1 | cursor_with_hold",
            "CREATE TEMP TABLE scratch (id int) | temp_table",
            "create global temporary table x (id int) | temp_table",
            "SELECT * INTO TEMP t2 FROM t | temp_table",
            "PREPARE q AS SELECT 1 | sql_prepare",
    })
    void sessionFeatures_pinTheClient(String sql, String reason) {
        assertEquals(reason, PgCommands.pinReason(sql));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "SELECT pg_advisory_xact_lock(42)",
            "SELECT 'LISTEN x'",
            "UNLISTEN *",
            "DECLARE c CURSOR FOR SELECT 1",
            "CREATE TABLE temp (id int)",
            "SELECT temp FROM t",
    })
    void transactionScopedFeatures_doNotPin(String sql) {
        assertNull(PgCommands.pinReason(sql));
    }

    @Test
    void optionsStartupParameter_givesSettings() throws SQLException {
        assertEquals(Map.of("tenantroute.tenant", "acme", "search_path", "a b"),
                PgOptions.parse("-c tenantroute.tenant=acme  --search-path=a\\ b"));
        assertEquals(Map.of("statement_timeout", "5"), PgOptions.parse("-cstatement_timeout=5"));
        assertEquals("22023", assertThrows(SQLException.class, () -> PgOptions.parse("-x")).getSQLState());
        assertEquals("22023", assertThrows(SQLException.class, () -> PgOptions.parse("-c foo")).getSQLState());
    }

    @Test
    void settingsDiff_resetsWhatTheClientLacks_setsWhatDiffers_andTheRouteSchemaWins() {
        PgSettings client = new PgSettings();
        client.startup("application_name", "billing");
        client.apply(PgCommands.single("SET search_path TO mine"));
        client.apply(PgCommands.single("SET statement_timeout = 5000"));
        Map<String, PgSettings.Setting> want = client.wanted("acme");
        assertEquals("\"acme\"", want.get("search_path").value());
        Map<String, PgSettings.Setting> have = Map.of(
                "statement_timeout", PgSettings.Setting.statement("statement_timeout", "SET statement_timeout = 5000"),
                "work_mem", PgSettings.Setting.statement("work_mem", "SET work_mem = '64MB'"));
        List<PgSettings.Setting> d = PgSettings.diff(have, want);
        assertEquals(List.of("work_mem", "application_name", "search_path"), d.stream().map(PgSettings.Setting::name).toList());
        assertNull(d.get(0).sql(), "work_mem is reset");
        client.apply(PgCommands.single("RESET ALL"));
        assertEquals(List.of("application_name"), List.copyOf(client.wanted(null).keySet()), "RESET ALL keeps startup values");
        assertEquals("\"we\"\"ird\"", PgSettings.quoteIdentifier("we\"ird"));
    }
}
