package io.tenantroute.migrator.internal;

import io.tenantroute.config.Dialect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Location parsing and type compatibility of {@code --schema-from flyway:…} (no database needed). */
class FlywaySchemaTest {

    @Test
    void locations_filesystemClasspathAndPlainPath() throws SQLException {
        assertEquals("filesystem:/srv/db", FlywaySchema.parse("flyway:/srv/db").location());
        assertEquals("filesystem:/srv/db", FlywaySchema.parse("flyway:filesystem:/srv/db").location());
        assertEquals("classpath:db/migration", FlywaySchema.parse("flyway:classpath:db/migration").location());
        assertEquals("filesystem:relative/dir", FlywaySchema.parse("flyway:relative/dir").location());
        assertThrows(SQLException.class, () -> FlywaySchema.parse("flyway:"));
        assertThrows(SQLException.class, () -> FlywaySchema.parse("flyway:classpath:"));
        assertThrows(SQLException.class, () -> FlywaySchema.parse("flyway:s3:bucket/db"));
        assertThrows(SQLException.class, () -> FlywaySchema.parse("liquibase:x"));
    }

    @Test
    void types_widerHoldsNarrowerNeverTheOtherWay() {
        Dialect pg = Dialect.POSTGRESQL;
        Dialect my = Dialect.MYSQL;
        assertTrue(FlywaySchema.compatible(pg, "integer", "integer"));
        assertTrue(FlywaySchema.compatible(pg, "integer", "bigint"));
        assertFalse(FlywaySchema.compatible(pg, "bigint", "integer"));
        assertTrue(FlywaySchema.compatible(pg, "character varying(100)", "character varying(255)"));
        assertTrue(FlywaySchema.compatible(pg, "character varying(100)", "text"));
        assertFalse(FlywaySchema.compatible(pg, "text", "character varying(255)"));
        assertFalse(FlywaySchema.compatible(pg, "character varying(10)", "character(10)"));
        assertTrue(FlywaySchema.compatible(pg, "numeric(12,2)", "numeric(14,2)"));
        assertTrue(FlywaySchema.compatible(pg, "numeric(12,2)", "numeric"));
        assertFalse(FlywaySchema.compatible(pg, "numeric(12,2)", "numeric(12,3)"));
        assertFalse(FlywaySchema.compatible(pg, "timestamp without time zone", "timestamp with time zone"));
        assertFalse(FlywaySchema.compatible(pg, "integer", "text"));
        assertTrue(FlywaySchema.compatible(my, "int(11)", "int"));
        assertTrue(FlywaySchema.compatible(my, "int(11)", "bigint(20)"));
        assertFalse(FlywaySchema.compatible(my, "int(11)", "smallint(6)"));
        assertFalse(FlywaySchema.compatible(my, "int(11)", "int(10) unsigned"));
        assertTrue(FlywaySchema.compatible(my, "varchar(200)", "text"));
        assertFalse(FlywaySchema.compatible(my, "mediumtext", "text"));
        assertTrue(FlywaySchema.compatible(my, "decimal(12,2)", "decimal(12,2)"));
        assertFalse(FlywaySchema.compatible(my, "datetime(3)", "datetime"));
    }
}
