package io.tenantroute.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestDatabasesTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void createDatabase_givesAFreshUniqueDatabaseThatCloseDrops(Engine engine) throws SQLException {
        TestServer server = TestDatabases.server(engine);
        String name;
        try (TestDatabase a = server.createDatabase("support"); TestDatabase b = server.createDatabase("support")) {
            name = a.name();
            assertNotEquals(a.name(), b.name());
            a.execute("CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
            try (Connection c = b.connect(); Statement s = c.createStatement()) {
                assertFalse(tableExists(c, "t"), "a table made in one test database shows in another");
            }
            try (Connection c = a.connect()) {
                assertTrue(tableExists(c, "t"));
            }
        }
        try (Connection c = server.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(engine == Engine.POSTGRESQL
                     ? "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"
                     : "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + name + "'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "close() must drop " + name);
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, table, null)) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                if (schema == null || schema.equals("public")) {
                    return true;
                }
            }
            return false;
        }
    }
}
