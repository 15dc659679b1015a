package io.tenantroute.migrator.archive;

import io.tenantroute.config.Dialect;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine-neutral column types of a tenant archive, and their mapping from and to PostgreSQL and
 * MySQL/MariaDB types. A type name in the manifest is one of {@code boolean}, {@code smallint}, {@code integer},
 * {@code bigint}, {@code decimal} / {@code decimal(p,s)}, {@code real}, {@code double}, {@code char(n)},
 * {@code varchar(n)}, {@code text}, {@code date}, {@code time}, {@code timestamp} (no time zone),
 * {@code timestamptz} (an instant), {@code json}, {@code uuid}, {@code binary}. Source types outside this set
 * (PostgreSQL arrays, intervals, enums, network and geometric types; MySQL enum, set, year, bit(n&gt;1),
 * spatial types) have no portable type: their values are archived as the database's own text and can only be
 * imported into the same engine. Stateless.
 */
public final class PortableType {
    private static final Pattern PARAMS = Pattern.compile("^[a-z ]+\\((\\d+)(?:\\s*,\\s*(\\d+))?\\).*$");

    private PortableType() {
    }

    /** How values of a portable type are written to and read from the archive. */
    public enum Kind {
        BOOLEAN, INTEGER, DECIMAL, FLOAT, TEXT, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, JSON, UUID, BINARY, NATIVE
    }

    /**
     * @param portable a portable type name, or null for a type without one
     * @return how its values are encoded ({@link Kind#NATIVE}: the database's own text)
     */
    public static Kind kind(String portable) {
        if (portable == null) {
            return Kind.NATIVE;
        }
        String base = portable.contains("(") ? portable.substring(0, portable.indexOf('(')) : portable;
        switch (base) {
            case "boolean": return Kind.BOOLEAN;
            case "smallint": case "integer": case "bigint": return Kind.INTEGER;
            case "decimal": return Kind.DECIMAL;
            case "real": case "double": return Kind.FLOAT;
            case "char": case "varchar": case "text": return Kind.TEXT;
            case "date": return Kind.DATE;
            case "time": return Kind.TIME;
            case "timestamp": return Kind.TIMESTAMP;
            case "timestamptz": return Kind.TIMESTAMPTZ;
            case "json": return Kind.JSON;
            case "uuid": return Kind.UUID;
            case "binary": return Kind.BINARY;
            default: return Kind.NATIVE;
        }
    }

    /**
     * @param e the source engine
     * @param sourceType the catalog type ({@code format_type} on PostgreSQL, {@code column_type} on MySQL)
     * @return the portable type, or null when there is none
     */
    public static String of(Dialect e, String sourceType) {
        String t = sourceType.toLowerCase(Locale.ROOT).trim();
        return e == Dialect.POSTGRESQL ? ofPg(t) : ofMySql(t);
    }

    private static String ofPg(String t) {
        if (t.endsWith("[]")) {
            return null;
        }
        switch (t) {
            case "boolean": return "boolean";
            case "smallint": return "smallint";
            case "integer": return "integer";
            case "bigint": return "bigint";
            case "numeric": return "decimal";
            case "real": return "real";
            case "double precision": return "double";
            case "text": case "character varying": return "text";
            case "date": return "date";
            case "json": case "jsonb": return "json";
            case "uuid": return "uuid";
            case "bytea": return "binary";
            default: break;
        }
        if (t.startsWith("numeric(")) {
            return "decimal" + t.substring("numeric".length()).replace(" ", "");
        }
        if (t.startsWith("character varying(")) {
            return "varchar" + t.substring("character varying".length());
        }
        if (t.startsWith("character(")) {
            return "char" + t.substring("character".length());
        }
        if (t.equals("character")) {
            return "char(1)";
        }
        if (t.startsWith("time") && t.endsWith("without time zone")) {
            return t.startsWith("timestamp") ? "timestamp" : "time";
        }
        if (t.startsWith("timestamp") && t.endsWith("with time zone")) {
            return "timestamptz";
        }
        return null;
    }

    private static String ofMySql(String t) {
        boolean unsigned = t.contains("unsigned");
        String base = t.replace(" unsigned", "").replace(" zerofill", "").trim();
        if (base.equals("tinyint(1)") || base.equals("bit(1)") || base.equals("boolean") || base.equals("bool")) {
            return "boolean";
        }
        String name = base.contains("(") ? base.substring(0, base.indexOf('(')) : base;
        switch (name) {
            case "tinyint": case "smallint": return unsigned && name.equals("smallint") ? "integer" : "smallint";
            case "mediumint": return "integer";
            case "int": case "integer": return unsigned ? "bigint" : "integer";
            case "bigint": return unsigned ? "decimal(20,0)" : "bigint";
            case "decimal": case "numeric": return base.contains("(") ? "decimal" + base.substring(base.indexOf('(')).replace(" ", "") : "decimal(10,0)";
            case "float": return "real";
            case "double": case "real": return "double";
            case "char": return base.contains("(") ? base : "char(1)";
            case "varchar": return base;
            case "tinytext": case "text": case "mediumtext": case "longtext": return "text";
            case "date": return "date";
            case "time": return "time";
            case "datetime": case "timestamp": return "timestamp";
            case "json": return "json";
            case "binary": case "varbinary": case "tinyblob": case "blob": case "mediumblob": case "longblob": return "binary";
            default: return null;
        }
    }

    /**
     * The column type to create on a target.
     *
     * @param e the target engine
     * @param portable the portable type (not null)
     * @param inKey whether the column is part of the primary key (MySQL needs a bounded type there)
     * @return the target's SQL type
     */
    public static String ddl(Dialect e, String portable, boolean inKey) {
        Matcher m = PARAMS.matcher(portable);
        String p1 = m.matches() ? m.group(1) : null;
        String p2 = m.matches() ? m.group(2) : null;
        String bin = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        switch (kind(portable)) {
            case BOOLEAN: return e == Dialect.POSTGRESQL ? "boolean" : "TINYINT(1)";
            case INTEGER: return e == Dialect.POSTGRESQL ? portable : portable.equals("integer") ? "INT" : portable.toUpperCase(Locale.ROOT);
            case DECIMAL:
                if (p1 == null) {
                    return e == Dialect.POSTGRESQL ? "numeric" : "DECIMAL(65,30)";
                }
                return (e == Dialect.POSTGRESQL ? "numeric(" : "DECIMAL(") + p1 + "," + (p2 == null ? "0" : p2) + ")";
            case FLOAT: return e == Dialect.POSTGRESQL ? (portable.equals("real") ? "real" : "double precision") : (portable.equals("real") ? "FLOAT" : "DOUBLE");
            case TEXT:
                if (portable.startsWith("char(")) {
                    return e == Dialect.POSTGRESQL ? "character(" + p1 + ")" : "CHAR(" + p1 + ")" + bin;
                }
                if (portable.startsWith("varchar(")) {
                    return e == Dialect.POSTGRESQL ? "character varying(" + p1 + ")" : "VARCHAR(" + p1 + ")" + bin;
                }
                return e == Dialect.POSTGRESQL ? "text" : (inKey ? "VARCHAR(255)" : "LONGTEXT") + bin;
            case DATE: return e == Dialect.POSTGRESQL ? "date" : "DATE";
            case TIME: return e == Dialect.POSTGRESQL ? "time" : "TIME(6)";
            case TIMESTAMP: return e == Dialect.POSTGRESQL ? "timestamp" : "DATETIME(6)";
            case TIMESTAMPTZ: return e == Dialect.POSTGRESQL ? "timestamptz" : "DATETIME(6)";
            case JSON: return e == Dialect.POSTGRESQL ? "json" : "JSON";
            case UUID: return e == Dialect.POSTGRESQL ? "uuid" : "CHAR(36)" + bin;
            case BINARY: return e == Dialect.POSTGRESQL ? "bytea" : inKey ? "VARBINARY(255)" : "LONGBLOB";
            default: throw new IllegalArgumentException("not a portable type: " + portable);
        }
    }
}
