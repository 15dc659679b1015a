package io.tenantroute.routing.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.Lex;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlMerge;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * Parses a statement with Calcite's Babel parser and extracts its {@link RoutingShape}. The only class of this
 * package that touches Calcite, so the parser (~0.45 s and ~77 MB on first use) loads when the first statement
 * needs inference, not when the driver loads.
 *
 * <p>Rules: an equality between the tenant column (of the table its qualifier or the FROM clause names) and a
 * literal or parameter names a tenant when it is a conjunct of an {@code AND} chain of a {@code WHERE},
 * {@code JOIN … ON} or {@code HAVING}, at any nesting of subqueries, CTEs and set operations; so does each value of
 * {@code tenant_id IN (…)}, and the tenant column's value in each row of an INSERT (VALUES or SELECT list).
 * Nothing under {@code OR}, {@code NOT} or {@code CASE} names a tenant ({@code tenant_id = 7 OR 1=1} names
 * none). Thread-safe: a new parser per call.
 */
final class ShapeExtractor {
    private static final SqlParser.Config POSTGRESQL = SqlParser.config()
            .withParserFactory(SqlBabelParserImpl.FACTORY)
            .withConformance(SqlConformanceEnum.BABEL)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.UNCHANGED)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(false)
            .withIdentifierMaxLength(1024);
    private static final SqlParser.Config MYSQL = SqlParser.config()
            .withLex(Lex.MYSQL)
            .withParserFactory(SqlBabelParserImpl.FACTORY)
            .withConformance(SqlConformanceEnum.BABEL)
            .withIdentifierMaxLength(1024);

    private ShapeExtractor() {
    }

    /**
     * @param sql the app's statement text
     * @param dialect how to read it
     * @param columns the tenant column per table
     * @return its shape; {@code parsed=false} (never an exception) when Calcite cannot parse it
     */
    static RoutingShape extract(String sql, SqlDialect dialect, TenantColumns columns) {
        SqlText text = SqlText.of(sql, dialect);
        SqlParser.Config config = dialect == SqlDialect.MYSQL ? MYSQL : POSTGRESQL;
        SqlNode tree;
        try {
            tree = SqlParser.create(text.parseable, config).parseStmt();
        } catch (SqlParseException | RuntimeException e) {
            SqlText relaxed = text.relaxed(dialect);
            tree = null;
            if (relaxed != null) {
                try {
                    tree = SqlParser.create(relaxed.parseable, config).parseStmt();
                    text = relaxed;
                } catch (SqlParseException | RuntimeException again) {
                    tree = null;
                }
            }
            if (tree == null) {
                String msg = String.valueOf(e.getMessage());
                int nl = msg.indexOf('\n');
                return new RoutingShape(false, nl < 0 ? msg : msg.substring(0, nl), Set.of(), text.hints, List.of(),
                        new int[0], text.cutClause);
            }
        }
        Walker w = new Walker(columns, text);
        w.statement(tree);
        w.tables.removeAll(w.cteNames);
        int[] params = w.parameters.stream().mapToInt(Integer::intValue).toArray();
        return new RoutingShape(true, null, w.tables, text.hints, new ArrayList<>(w.literals), params,
                text.cutClause);
    }

    /** Names visible in one SELECT (or UPDATE/DELETE): alias or table name → table, null for a derived table. */
    private static final class Scope {
        final Scope parent;
        final Map<String, String> aliases = new HashMap<>();
        final List<String> tables = new ArrayList<>(2);
        boolean derived;

        Scope(Scope parent) {
            this.parent = parent;
        }
    }

    private static final class Walker {
        private final TenantColumns columns;
        private final SqlText text;
        final Set<String> tables = new LinkedHashSet<>();
        final Set<String> literals = new LinkedHashSet<>();
        final Set<Integer> parameters = new LinkedHashSet<>();
        /** Names of CTEs: not tables of the database. */
        final Set<String> cteNames = new HashSet<>();

        Walker(TenantColumns columns, SqlText text) {
            this.columns = columns;
            this.text = text;
        }

        void statement(SqlNode node) {
            if (node instanceof SqlInsert) {
                insert((SqlInsert) node, null);
            } else if (node instanceof SqlUpdate) {
                SqlUpdate u = (SqlUpdate) node;
                Scope scope = new Scope(null);
                table(u.getTargetTable(), u.getAlias(), scope);
                predicate(u.getCondition(), scope, true);
                generic(u.getSourceExpressionList(), scope, false);
            } else if (node instanceof SqlDelete) {
                SqlDelete d = (SqlDelete) node;
                Scope scope = new Scope(null);
                table(d.getTargetTable(), d.getAlias(), scope);
                predicate(d.getCondition(), scope, true);
            } else if (node instanceof SqlMerge) {
                SqlMerge m = (SqlMerge) node;
                Scope scope = new Scope(null);
                table(m.getTargetTable(), m.getAlias(), scope);
                from(m.getSourceTableRef(), scope, true);
                predicate(m.getCondition(), scope, true);
            } else if (node != null && node.getKind().belongsTo(SqlKind.QUERY)) {
                query(node, null, true);
            } else {
                generic(node, null, false);
            }
        }

        private void insert(SqlInsert insert, Scope outer) {
            SqlNode target = insert.getTargetTable();
            if (target.getKind() == SqlKind.AS) {
                target = ((SqlCall) target).operand(0);
            }
            int position = -1;
            if (target instanceof SqlIdentifier) {
                String table = tableName((SqlIdentifier) target);
                tables.add(table);
                SqlNodeList cols = insert.getTargetColumnList();
                if (cols != null) {
                    String col = columns.columnOf(table);
                    for (int i = 0; i < cols.size(); i++) {
                        if (cols.get(i) instanceof SqlIdentifier && lastName((SqlIdentifier) cols.get(i)).equals(col)) {
                            position = i;
                        }
                    }
                }
            }
            SqlNode source = insert.getSource();
            if (position >= 0) {
                rowValues(source, position);
            }
            query(source, outer, true);
        }

        /** The tenant column's value in each VALUES row, or in the select list of {@code INSERT … SELECT}. */
        private void rowValues(SqlNode source, int position) {
            if (source.getKind() == SqlKind.VALUES) {
                for (SqlNode row : ((SqlCall) source).getOperandList()) {
                    if (row.getKind() == SqlKind.ROW && ((SqlCall) row).operandCount() > position) {
                        value(((SqlCall) row).operand(position));
                    }
                }
            } else if (source instanceof SqlSelect) {
                SqlNodeList list = ((SqlSelect) source).getSelectList();
                if (list != null && list.size() > position) {
                    SqlNode item = list.get(position);
                    if (item.getKind() == SqlKind.AS) {
                        item = ((SqlCall) item).operand(0);
                    }
                    value(item);
                }
            } else if (source instanceof SqlOrderBy) {
                rowValues(((SqlOrderBy) source).query, position);
            } else if (source.getKind() == SqlKind.UNION) {
                for (SqlNode branch : ((SqlCall) source).getOperandList()) {
                    rowValues(branch, position);
                }
            }
        }

        void query(SqlNode node, Scope outer, boolean conj) {
            if (node == null) {
                return;
            }
            if (node instanceof SqlSelect) {
                SqlSelect s = (SqlSelect) node;
                Scope scope = new Scope(outer);
                from(s.getFrom(), scope, conj);
                predicate(s.getWhere(), scope, conj);
                predicate(s.getHaving(), scope, conj);
                generic(s.getSelectList(), scope, false);
            } else if (node instanceof SqlOrderBy) {
                query(((SqlOrderBy) node).query, outer, conj);
            } else if (node instanceof SqlWith) {
                SqlWith with = (SqlWith) node;
                for (SqlNode item : with.withList) {
                    if (item instanceof SqlWithItem) {
                        cteNames.add(lastName(((SqlWithItem) item).name));
                        query(((SqlWithItem) item).query, outer, conj);
                    }
                }
                query(with.body, outer, conj);
            } else if (node instanceof SqlInsert) {
                insert((SqlInsert) node, outer);
            } else if (node.getKind() == SqlKind.EXPLICIT_TABLE) {
                from(((SqlCall) node).operand(0), new Scope(outer), conj);
            } else if (node.getKind() == SqlKind.UNION || node.getKind() == SqlKind.INTERSECT
                    || node.getKind() == SqlKind.EXCEPT) {
                for (SqlNode branch : ((SqlCall) node).getOperandList()) {
                    query(branch, outer, conj);
                }
            } else if (node instanceof SqlCall) { // VALUES, ROW, …: only nested queries matter
                for (SqlNode op : ((SqlCall) node).getOperandList()) {
                    generic(op, outer, false);
                }
            }
        }

        private void from(SqlNode node, Scope scope, boolean conj) {
            if (node == null) {
                return;
            }
            if (node instanceof SqlIdentifier) {
                table(node, null, scope);
            } else if (node instanceof SqlJoin) {
                SqlJoin j = (SqlJoin) node;
                from(j.getLeft(), scope, conj);
                from(j.getRight(), scope, conj);
                predicate(j.getCondition(), scope, conj);
            } else if (node.getKind() == SqlKind.TABLESAMPLE) {
                from(((SqlCall) node).operand(0), scope, conj);
            } else if (node.getKind() == SqlKind.AS) {
                SqlCall as = (SqlCall) node;
                SqlNode source = as.operand(0);
                SqlNode alias = as.operand(1);
                if (source instanceof SqlIdentifier) {
                    table(source, alias instanceof SqlIdentifier ? (SqlIdentifier) alias : null, scope);
                } else {
                    derived(source, scope, conj);
                    if (alias instanceof SqlIdentifier) {
                        scope.aliases.put(lastName((SqlIdentifier) alias), null);
                    }
                }
            } else {
                derived(node, scope, conj);
            }
        }

        private void derived(SqlNode source, Scope scope, boolean conj) {
            scope.derived = true;
            if (source.getKind().belongsTo(SqlKind.QUERY)) {
                query(source, scope.parent, conj);
            } else {
                generic(source, scope, false); // LATERAL, UNNEST, table functions
            }
        }

        private void table(SqlNode node, SqlIdentifier alias, Scope scope) {
            if (node.getKind() == SqlKind.AS) {
                SqlCall as = (SqlCall) node;
                table(as.operand(0), (SqlIdentifier) as.operand(1), scope);
                return;
            }
            if (!(node instanceof SqlIdentifier)) {
                derived(node, scope, false);
                return;
            }
            String table = tableName((SqlIdentifier) node);
            tables.add(table);
            scope.tables.add(table);
            scope.aliases.put(alias != null ? lastName(alias) : table, table);
        }

        /** Reads one conjunct position: AND chains pass {@code conj} on, anything else is walked generically. */
        private void predicate(SqlNode node, Scope scope, boolean conj) {
            if (node == null) {
                return;
            }
            SqlKind kind = node.getKind();
            if (kind == SqlKind.AND) {
                for (SqlNode op : ((SqlCall) node).getOperandList()) {
                    predicate(op, scope, conj);
                }
            } else if (kind == SqlKind.CAST) {
                // Babel gives `::` the lowest precedence: `a = ? AND b = ?::int` reads as `(a = ? AND b = ?)::int`.
                // A cast never turns an OR into an AND, so reading through it keeps the conjunct structure.
                predicate(((SqlCall) node).operand(0), scope, conj);
            } else if (kind == SqlKind.EQUALS && conj) {
                SqlCall eq = (SqlCall) node;
                SqlNode l = eq.operand(0);
                SqlNode r = eq.operand(1);
                if (isTenantColumn(l, scope)) {
                    value(r);
                } else if (isTenantColumn(r, scope)) {
                    value(l);
                }
                generic(node, scope, true);
            } else if (kind == SqlKind.IN && conj) {
                SqlCall in = (SqlCall) node;
                if (in.operand(1) instanceof SqlNodeList && isTenantColumn(in.operand(0), scope)) {
                    for (SqlNode v : (SqlNodeList) in.operand(1)) {
                        value(v);
                    }
                }
                generic(node, scope, true);
            } else {
                generic(node, scope, conj);
            }
        }

        /** Finds nested queries (for their tables and, in conjunct position, their own predicates). */
        private void generic(SqlNode node, Scope scope, boolean conj) {
            if (node == null) {
                return;
            }
            if (node instanceof SqlNodeList) {
                for (SqlNode n : (SqlNodeList) node) {
                    generic(n, scope, conj);
                }
                return;
            }
            if (!(node instanceof SqlCall)) {
                return;
            }
            SqlKind kind = node.getKind();
            if (kind.belongsTo(SqlKind.QUERY) || node instanceof SqlInsert) {
                query(node, scope, conj);
                return;
            }
            if (node instanceof SqlUpdate || node instanceof SqlDelete || node instanceof SqlMerge) {
                statement(node);
                return;
            }
            boolean keep = conj && kind != SqlKind.OR && kind != SqlKind.NOT && kind != SqlKind.CASE
                    && kind != SqlKind.NOT_IN && kind != SqlKind.NOT_EQUALS && kind != SqlKind.IS_DISTINCT_FROM;
            for (SqlNode op : ((SqlCall) node).getOperandList()) {
                generic(op, scope, keep);
            }
        }

        private boolean isTenantColumn(SqlNode node, Scope scope) {
            if (node != null && node.getKind() == SqlKind.CAST) {
                node = ((SqlCall) node).operand(0);
            }
            if (!(node instanceof SqlIdentifier) || ((SqlIdentifier) node).isStar()) {
                return false;
            }
            SqlIdentifier id = (SqlIdentifier) node;
            String col = lastName(id);
            if (!columns.allColumns().contains(col)) {
                return false;
            }
            if (id.names.size() == 1) {
                for (Scope s = scope; s != null; s = s.parent) {
                    for (String t : s.tables) {
                        if (columns.columnOf(t).equals(col)) {
                            return true;
                        }
                    }
                    if (s.derived) {
                        return true;
                    }
                }
                return scope == null;
            }
            String qualifier = id.names.get(id.names.size() - 2).toLowerCase(Locale.ROOT);
            for (Scope s = scope; s != null; s = s.parent) {
                if (s.aliases.containsKey(qualifier)) {
                    String table = s.aliases.get(qualifier);
                    return table == null || columns.columnOf(table).equals(col);
                }
            }
            return true; // unknown qualifier: the column name alone decides
        }

        /** Records a literal or parameter that names the tenant; anything else (expressions, NULL) names none. */
        private void value(SqlNode node) {
            while (node != null && node.getKind() == SqlKind.CAST) {
                node = ((SqlCall) node).operand(0);
            }
            if (node instanceof SqlDynamicParam) {
                parameters.add(text.parameterIndex(((SqlDynamicParam) node).getIndex()));
            } else if (node instanceof SqlCharStringLiteral) {
                literals.add(((SqlCharStringLiteral) node).getValueAs(String.class));
            } else if (node instanceof SqlLiteral) {
                SqlLiteral lit = (SqlLiteral) node;
                if (lit.getTypeName() != SqlTypeName.NULL && lit.getTypeName() != SqlTypeName.BOOLEAN
                        && SqlTypeName.NUMERIC_TYPES.contains(lit.getTypeName())) {
                    literals.add(TenantValues.ofNumericLiteral(lit.toValue()));
                }
            } else if (node instanceof SqlBasicCall && node.getKind() == SqlKind.MINUS_PREFIX
                    && ((SqlCall) node).operand(0) instanceof SqlLiteral) {
                literals.add(TenantValues.ofNumericLiteral("-" + ((SqlLiteral) ((SqlCall) node).operand(0)).toValue()));
            }
        }

        private static String tableName(SqlIdentifier id) {
            return lastName(id);
        }

        private static String lastName(SqlIdentifier id) {
            return id.names.get(id.names.size() - 1).toLowerCase(Locale.ROOT);
        }
    }
}
