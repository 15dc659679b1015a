package io.tenantroute.routing.sql;

import static io.tenantroute.routing.sql.InferenceCase.error;
import static io.tenantroute.routing.sql.InferenceCase.hint;
import static io.tenantroute.routing.sql.InferenceCase.none;
import static io.tenantroute.routing.sql.InferenceCase.tenant;

import java.util.ArrayList;
import java.util.List;

/**
 * The statement tables, one per dialect. Every statement marked runnable is valid on the engine's test schema
 * ({@link #schema(SqlDialect)}): {@code SqlTenantInferenceEngineTest} runs each of them on the real server.
 */
final class InferenceCases {
    private InferenceCases() {
    }

    /** DDL of the tables the cases use; tenant ids are text except in {@code accounts} (integer). */
    static List<String> schema(SqlDialect dialect) {
        String text = "varchar(64)";
        return List.of(
                "CREATE TABLE invoices (id int PRIMARY KEY, tenant_id " + text + " NOT NULL, total int, note "
                        + text + ")",
                "CREATE TABLE invoice_lines (id int PRIMARY KEY, invoice_id int, qty int)",
                "CREATE TABLE customers (id int PRIMARY KEY, org_id " + text + ", name " + text + ")",
                "CREATE TABLE archive (id int PRIMARY KEY, tenant_id " + text + ", total int)",
                "CREATE TABLE notes (id int PRIMARY KEY, body " + text + ")",
                "CREATE TABLE accounts (id int PRIMARY KEY, tenant_id int)");
    }

    /** Cases both dialects read alike (standard SQL, {@code ?} parameters). */
    static List<InferenceCase> common() {
        return List.of(
                tenant("literal", "acme", "SELECT * FROM invoices WHERE tenant_id = 'acme' AND id = 5"),
                tenant("numeric literal", "7", "SELECT * FROM accounts WHERE tenant_id = 7"),
                tenant("parameter", "acme", "SELECT * FROM invoices WHERE tenant_id = ? AND id = ?", "acme", 5),
                tenant("parameter after another", "acme",
                        "SELECT * FROM invoices WHERE id = ? AND tenant_id = ?", 5, "acme"),
                tenant("integer parameter", "7", "SELECT * FROM accounts WHERE tenant_id = ?", 7),
                tenant("alias", "acme", "SELECT i.id FROM invoices i WHERE i.tenant_id = ? AND i.total > ?",
                        "acme", 0),
                tenant("AS alias, reversed equality", "acme",
                        "SELECT inv.id FROM invoices AS inv WHERE ? = inv.tenant_id", "acme"),
                tenant("table-qualified", "acme", "SELECT * FROM invoices WHERE invoices.tenant_id = ?", "acme"),
                tenant("join ON conjunct", "acme",
                        "SELECT l.* FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id AND i.tenant_id = ?"
                                + " WHERE l.qty > ?", "acme", 1),
                tenant("left join, tenant in WHERE", "acme",
                        "SELECT i.id, l.qty FROM invoices i LEFT JOIN invoice_lines l ON l.invoice_id = i.id"
                                + " WHERE i.tenant_id = ?", "acme"),
                tenant("IN subquery", "acme",
                        "SELECT * FROM invoice_lines WHERE invoice_id IN"
                                + " (SELECT id FROM invoices WHERE tenant_id = ?)", "acme"),
                tenant("EXISTS, correlated", "acme",
                        "SELECT * FROM invoice_lines l WHERE EXISTS"
                                + " (SELECT 1 FROM invoices i WHERE i.id = l.invoice_id AND i.tenant_id = ?)", "acme"),
                tenant("derived table", "acme",
                        "SELECT x.total FROM (SELECT * FROM invoices WHERE tenant_id = 'acme') x WHERE x.total > 3"),
                tenant("CTE", "acme",
                        "WITH recent AS (SELECT * FROM invoices WHERE tenant_id = ?) SELECT * FROM recent ORDER BY id",
                        "acme"),
                tenant("UNION of one tenant", "acme",
                        "SELECT id FROM invoices WHERE tenant_id = ? UNION SELECT id FROM archive WHERE tenant_id = ?",
                        "acme", "acme"),
                tenant("IN with one value", "acme", "SELECT * FROM invoices WHERE tenant_id IN (?)", "acme"),
                tenant("IN with the same value twice", "acme",
                        "SELECT * FROM invoices WHERE tenant_id IN (?, 'acme')", "acme"),
                error("IN with two tenants", "SELECT * FROM invoices WHERE tenant_id IN (?, ?)", "acme", "globex"),
                error("two predicates disagree",
                        "SELECT * FROM invoices i JOIN archive a ON a.id = i.id"
                                + " WHERE i.tenant_id = 'acme' AND a.tenant_id = 'globex'"),
                tenant("INSERT one row", "acme",
                        "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)", 1, "acme", 10),
                tenant("INSERT multi-row, same tenant", "acme",
                        "INSERT INTO invoices (id, tenant_id, total) VALUES (1, 'acme', 10), (2, 'acme', 20)"),
                tenant("INSERT multi-row parameters, same tenant", "acme",
                        "INSERT INTO invoices (tenant_id, id) VALUES (?, ?), (?, ?)", "acme", 1, "acme", 2),
                error("INSERT rows of two tenants",
                        "INSERT INTO invoices (id, tenant_id) VALUES (1, 'acme'), (2, 'globex')"),
                error("INSERT parameter rows of two tenants",
                        "INSERT INTO invoices (id, tenant_id) VALUES (?, ?), (?, ?)", 1, "acme", 2, "globex"),
                tenant("INSERT … SELECT", "acme",
                        "INSERT INTO archive (tenant_id, id, total) SELECT tenant_id, id, total FROM invoices"
                                + " WHERE tenant_id = ? AND total > ?", "acme", 100),
                tenant("INSERT … SELECT of a constant", "acme",
                        "INSERT INTO archive (id, tenant_id) SELECT id, 'acme' FROM invoice_lines WHERE qty = 0"),
                tenant("UPDATE", "acme", "UPDATE invoices SET total = ? WHERE tenant_id = ? AND id = ?",
                        10, "acme", 1),
                tenant("UPDATE with subquery", "acme",
                        "UPDATE invoice_lines SET qty = 0 WHERE invoice_id IN"
                                + " (SELECT id FROM invoices WHERE tenant_id = ?)", "acme"),
                tenant("DELETE", "acme", "DELETE FROM invoices WHERE id = ? AND tenant_id = ?", 1, "acme"),
                none("child table without tenant column", "SELECT * FROM invoice_lines WHERE invoice_id = ?", 5),
                none("global statement", "SELECT 1"),
                none("OR trap", "SELECT * FROM accounts WHERE tenant_id = 7 OR 1=1"),
                none("OR trap with parameter", "SELECT * FROM invoices WHERE tenant_id = ? OR id = ?", "acme", 1),
                none("NOT trap", "SELECT * FROM invoices WHERE NOT (tenant_id = 'acme')"),
                none("inequality", "SELECT * FROM invoices WHERE tenant_id <> 'acme'"),
                none("string literal holding tenant_id text",
                        "SELECT * FROM notes WHERE body = 'tenant_id = ''x'' /* tenant=x */'"),
                none("comment holding tenant_id text",
                        "SELECT * FROM notes -- WHERE tenant_id = 'x'\n WHERE id = 1"),
                none("other table's tenant column name",
                        "SELECT * FROM invoice_lines l WHERE l.qty = 1"),
                none("null parameter names no tenant", "SELECT * FROM invoices WHERE tenant_id = ?", (Object) null),
                hint("hint before", "acme", "/* tenant=acme */ SELECT * FROM invoice_lines WHERE invoice_id = ?", 5),
                hint("hint inside, quoted", "acme corp",
                        "SELECT * FROM invoice_lines /* tenant='acme corp' */ WHERE invoice_id = ?", 5),
                hint("hint in a line comment at the end", "acme",
                        "SELECT * FROM invoice_lines WHERE invoice_id = 5 -- tenant=acme"),
                tenant("statement wins over hint", "acme",
                        "/* tenant=globex */ SELECT * FROM invoices WHERE tenant_id = ?", "acme"),
                error("two hints disagree", "/* tenant=acme */ SELECT 1 /* tenant=globex */"));
    }

    static List<InferenceCase> postgresql() {
        List<InferenceCase> cases = new ArrayList<>(common());
        cases.addAll(List.of(
                tenant("$n parameters", "acme", "SELECT * FROM invoices WHERE id = $2 AND tenant_id = $1", "acme", 5)
                        .notRunnable(),
                tenant("$1::text cast", "acme", "SELECT * FROM invoices WHERE tenant_id = $1::text", "acme")
                        .notRunnable(),
                tenant("?::text cast", "acme", "SELECT * FROM invoices WHERE tenant_id = ?::text AND id = ?::int",
                        "acme", 1),
                tenant("literal ::text cast", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = 'acme'::text AND total::numeric > 1"),
                tenant("cast on the column side", "acme",
                        "SELECT * FROM invoices WHERE tenant_id::text = ? AND total::numeric(10,2) > ?", "acme", 1),
                tenant("multi-word cast type", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = 'acme'::character varying(64)"
                                + " AND now()::timestamp with time zone > '2020-01-01'"),
                none("OR trap with casts", "SELECT * FROM invoices WHERE tenant_id = 'acme'::text OR id = 1::int"),
                tenant("ILIKE", "acme", "SELECT * FROM customers WHERE org_id = ? AND name ILIKE ?", "acme", "a%"),
                tenant("quoted identifiers", "acme", "SELECT * FROM \"invoices\" WHERE \"tenant_id\" = ?", "acme"),
                tenant("LIMIT / OFFSET", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = ? ORDER BY id LIMIT ? OFFSET ?", "acme", 10, 20),
                tenant("ON CONFLICT DO UPDATE … RETURNING", "acme",
                        "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)"
                                + " ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total RETURNING id", 1, "acme", 10),
                tenant("ON CONFLICT DO NOTHING", "acme",
                        "INSERT INTO invoices (id, tenant_id) VALUES (1, 'acme') ON CONFLICT DO NOTHING"),
                error("ON CONFLICT with rows of two tenants",
                        "INSERT INTO invoices (id, tenant_id) VALUES (1, 'acme'), (2, 'globex')"
                                + " ON CONFLICT (id) DO NOTHING"),
                tenant("INSERT … RETURNING", "acme",
                        "INSERT INTO invoices (id, tenant_id) VALUES (?, ?) RETURNING id, tenant_id", 1, "acme"),
                tenant("UPDATE … RETURNING", "acme",
                        "UPDATE invoices SET total = total + 1 WHERE tenant_id = ? RETURNING *", "acme"),
                tenant("DELETE … RETURNING", "acme",
                        "DELETE FROM invoices WHERE tenant_id = ? AND id = ? RETURNING id", "acme", 1),
                tenant("FOR UPDATE", "acme", "SELECT * FROM invoices WHERE tenant_id = ? FOR UPDATE", "acme"),
                tenant("FOR NO KEY UPDATE SKIP LOCKED", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = ? FOR NO KEY UPDATE SKIP LOCKED", "acme"),
                tenant("E'' string with escaped quote", "acme",
                        "SELECT * FROM invoices WHERE note = E'it\\'s' AND tenant_id = ?", "acme"),
                none("dollar-quoted string", "SELECT * FROM notes WHERE body = $$tenant_id = 'x'$$").unparsed(),
                tenant("interval literal (relaxed reading)", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = ? AND now() - interval '1 day' < now()", "acme"),
                tenant("UPDATE … FROM, parameter in SET", "acme",
                        "UPDATE invoices i SET note = ?, total = l.qty FROM invoice_lines l"
                                + " WHERE l.invoice_id = i.id AND i.tenant_id = ?", "x", "acme"),
                tenant("DELETE … USING", "acme",
                        "DELETE FROM invoice_lines l USING invoices i WHERE l.invoice_id = i.id AND i.tenant_id = ?",
                        "acme"),
                none("UPDATE … FROM, OR trap",
                        "UPDATE invoices i SET note = 'x' FROM invoice_lines l WHERE l.invoice_id = i.id"
                                + " AND (i.tenant_id = 'acme' OR l.qty = 0)"),
                tenant("FROM ONLY", "acme", "SELECT l.* FROM ONLY invoice_lines l JOIN ONLY invoices i"
                        + " ON i.id = l.invoice_id WHERE i.tenant_id = ?", "acme"),
                tenant("DISTINCT ON", "acme",
                        "SELECT DISTINCT ON (tenant_id) id FROM invoices WHERE tenant_id = ? ORDER BY tenant_id, id",
                        "acme"),
                tenant("JSON operator", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = ? AND note::jsonb ->> 'k' = ?", "acme", "v"),
                none("unparsable: LOCK TABLE", "LOCK TABLE invoices IN SHARE MODE").unparsed(),
                hint("unparsable with hint", "acme", "/* tenant=acme */ LOCK TABLE invoices IN SHARE MODE").unparsed(),
                none("unparsable: DDL", "CREATE INDEX ix_inv ON invoices (tenant_id)").unparsed()));
        return cases;
    }

    static List<InferenceCase> mysql() {
        List<InferenceCase> cases = new ArrayList<>(common());
        cases.addAll(List.of(
                tenant("backticks", "acme", "SELECT * FROM `invoices` WHERE `tenant_id` = ?", "acme"),
                tenant("backticks, alias", "acme",
                        "SELECT `i`.`id` FROM `invoices` `i` WHERE `i`.`tenant_id` = ? AND `i`.`total` > 0", "acme"),
                tenant("LIMIT a,b", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = ? ORDER BY id LIMIT 10, 20", "acme"),
                tenant("LIMIT ?,?", "acme", "SELECT * FROM invoices WHERE tenant_id = ? LIMIT ?, ?", "acme", 0, 10),
                tenant("CAST function", "acme", "SELECT * FROM invoices WHERE tenant_id = CAST(? AS CHAR)", "acme"),
                tenant("double-quoted string", "acme", "SELECT * FROM invoices WHERE tenant_id = \"acme\""),
                tenant("backslash-escaped string", "acme",
                        "SELECT * FROM invoices WHERE note = 'it\\'s tenant_id = \\'x\\'' AND tenant_id = ?", "acme"),
                tenant("ON DUPLICATE KEY UPDATE", "acme",
                        "INSERT INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)"
                                + " ON DUPLICATE KEY UPDATE total = VALUES(total)", 1, "acme", 10),
                error("ON DUPLICATE KEY UPDATE, rows of two tenants",
                        "INSERT INTO invoices (id, tenant_id) VALUES (1, 'acme'), (2, 'globex')"
                                + " ON DUPLICATE KEY UPDATE tenant_id = tenant_id"),
                tenant("REPLACE INTO", "acme", "REPLACE INTO invoices (id, tenant_id, total) VALUES (?, ?, ?)",
                        1, "acme", 10),
                tenant("INSERT IGNORE", "acme", "INSERT IGNORE INTO invoices (id, tenant_id) VALUES (?, ?)", 1, "acme"),
                tenant("FOR UPDATE", "acme", "SELECT * FROM invoices WHERE tenant_id = ? FOR UPDATE", "acme"),
                tenant("LOCK IN SHARE MODE", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = ? LOCK IN SHARE MODE", "acme"),
                hint("hint in a # comment", "acme", "SELECT * FROM invoice_lines WHERE invoice_id = 5 # tenant=acme"),
                tenant("multi-table UPDATE, parameters in SET", "acme",
                        "UPDATE invoices i JOIN invoice_lines l ON l.invoice_id = i.id SET l.qty = ?, i.total = ?"
                                + " WHERE i.tenant_id = ?", 1, 2, "acme"),
                tenant("multi-table DELETE", "acme",
                        "DELETE l FROM invoice_lines l JOIN invoices i ON l.invoice_id = i.id WHERE i.tenant_id = ?",
                        "acme"),
                tenant("INTERVAL n DAY", "acme",
                        "SELECT * FROM invoices WHERE tenant_id = ? AND NOW() - INTERVAL 1 DAY < NOW()", "acme"),
                tenant("index hint", "acme", "SELECT * FROM invoices USE INDEX (PRIMARY) WHERE tenant_id = ?", "acme"),
                tenant("SQL_CALC_FOUND_ROWS", "acme",
                        "SELECT SQL_CALC_FOUND_ROWS * FROM invoices WHERE tenant_id = ? LIMIT 10", "acme"),
                none("unparsable: REGEXP", "SELECT * FROM invoices WHERE tenant_id = ? AND note REGEXP 'a'", "acme")
                        .unparsed(),
                none("unparsable: SHOW", "SHOW VARIABLES LIKE 'version'").unparsed(),
                none("unparsable: system variable", "SELECT @@version").unparsed(),
                tenant("INSERT … SET", "acme", "INSERT INTO invoices SET id = ?, total = IFNULL(?, 0), tenant_id = ?",
                        1, 5, "acme"),
                tenant("INSERT … SET … ON DUPLICATE KEY UPDATE", "acme",
                        "INSERT INTO invoices SET id = 1, tenant_id = 'acme', note = 'a,b=c'"
                                + " ON DUPLICATE KEY UPDATE note = VALUES(note)"),
                hint("unparsable with hint", "acme",
                        "/* tenant=acme */ SELECT * FROM invoices WHERE note REGEXP ?", "a").unparsed()));
        return cases;
    }
}
