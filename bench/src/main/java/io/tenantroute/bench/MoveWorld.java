package io.tenantroute.bench;

import io.tenantroute.config.ControlSchema;
import io.tenantroute.config.PasswordRef;
import io.tenantroute.config.Target;
import io.tenantroute.config.TenantMapStore;
import io.tenantroute.config.TenantMapStores;
import io.tenantroute.migrator.MigrationJournal;
import io.tenantroute.migrator.TargetConnector;
import io.tenantroute.migrator.TenantMover;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A tenant map (the real JDBC control store) naming a {@code shared} source database and a {@code dedicated}
 * destination, a move journal and a {@link TenantMover}. PostgreSQL: control schema {@code tenantroute} inside the
 * shared database; MariaDB: a control database of its own (so parallel runs never share one). Close it to close
 * the store; the databases belong to the {@link BenchDb}.
 */
final class MoveWorld implements AutoCloseable {
    final String controlSchema;
    final String controlDb;
    final TenantMapStore store;
    final MigrationJournal journal;
    final TenantMover mover;

    MoveWorld(BenchDb db, String sharedDb, String dedicatedDb) throws SQLException {
        controlDb = db.kind == BenchDb.Kind.PG ? sharedDb : db.create("ctl");
        controlSchema = db.kind == BenchDb.Kind.PG ? ControlSchema.DEFAULT_SCHEMA : controlDb;
        try (Connection c = db.connect(controlDb)) {
            ControlSchema.init(c, controlSchema);
        }
        Properties p = new Properties();
        p.setProperty(TenantMapStores.CONTROL_SCHEMA, controlSchema);
        store = TenantMapStores.open(db.url(controlDb), p);
        Target shared = new Target(Target.SHARED, db.url(sharedDb), null, PasswordRef.NONE, 0);
        store.putTarget(shared);
        store.putTarget(new Target("dedicated", db.url(dedicatedDb), null, PasswordRef.NONE, 0));
        journal = new MigrationJournal(() -> db.connect(controlDb), controlSchema);
        journal.init();
        mover = new TenantMover(store, journal, TargetConnector.direct(), shared);
    }

    @Override
    public void close() throws Exception {
        store.close();
    }
}
