package io.tenantroute.routing.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabase;
import io.tenantroute.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keeps the statement tables honest: every case marked runnable is real SQL of its engine, so the inference
 * table tests what apps actually send. Each statement runs with its bound values in a transaction that is
 * rolled back.
 */
class InferenceCasesEngineTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void everyRunnableCase_isValidSqlOnItsEngine(Engine engine) throws SQLException {
        SqlDialect dialect = engine == Engine.MYSQL ? SqlDialect.MYSQL : SqlDialect.POSTGRESQL;
        List<InferenceCase> cases = dialect == SqlDialect.MYSQL ? InferenceCases.mysql() : InferenceCases.postgresql();
        List<String> failures = new ArrayList<>();
        int ran = 0;
        try (TestDatabase db = TestDatabases.server(engine).createDatabase("sqlinf")) {
            db.execute(InferenceCases.schema(dialect).toArray(new String[0]));
            assertEquals(dialect, SqlDialect.forJdbcUrl(db.url()));
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                for (InferenceCase k : cases) {
                    if (!k.runsOnEngine()) {
                        continue;
                    }
                    try (PreparedStatement ps = c.prepareStatement(k.sql())) {
                        for (int i = 0; i < k.params().size(); i++) {
                            ps.setObject(i + 1, k.params().get(i));
                        }
                        ps.execute();
                        ran++;
                    } catch (SQLException e) {
                        failures.add(k.name() + ": " + e.getMessage());
                    } finally {
                        c.rollback();
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), () -> engine + " rejects cases of the table:\n" + String.join("\n", failures));
        assertTrue(ran > 40, "ran " + ran);
    }
}
