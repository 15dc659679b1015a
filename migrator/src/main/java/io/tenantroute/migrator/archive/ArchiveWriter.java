package io.tenantroute.migrator.archive;

import io.tenantroute.config.Dialect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.tenantroute.config.TenantRouteSqlState;
import io.tenantroute.migrator.internal.Catalog;
import io.tenantroute.migrator.internal.Checksums;
import io.tenantroute.migrator.internal.TableJob;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * Streams one table's tenant rows into a gzip-compressed JSON-lines file of an archive, computing the row count
 * and the checksum ({@link Checksums.Sum}, the encoding {@code verify} uses) from the very values it writes.
 * Reads with a streaming result set inside the caller's transaction (so several tables share one snapshot);
 * memory is one row plus the compression buffers. Stateless; not for concurrent use of one connection.
 */
public final class ArchiveWriter {
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    private static final int BUFFER = 1 << 16;

    private ArchiveWriter() {
    }

    /**
     * Writes the table's rows of the tenant to {@code dir/<file>} and describes it.
     *
     * @param e the source engine
     * @param c a connection inside the snapshot transaction (autocommit off)
     * @param schema the source schema / database
     * @param job the table and how the tenant's rows are selected
     * @param archived names of every table in the archive (foreign keys to others are left out of the manifest)
     * @param file the file name inside the archive
     * @param progress told the rows written so far, every 5,000 rows and at the end
     * @return the manifest entry (rows, checksum)
     * @throws SQLException from the source; {@code TR011} when a value cannot be encoded (message names table.column)
     * @throws IOException when the file cannot be written
     */
    public static ArchiveManifest.Table write(Dialect e, Connection c, String schema, TableJob job, Set<String> archived, String tenant,
            Path dir, String file, LongConsumer progress) throws SQLException, IOException {
        List<ArchiveManifest.Column> cols = columns(e, job);
        PortableType.Kind[] kinds = new PortableType.Kind[cols.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = PortableType.kind(cols.get(i).type());
        }
        String sql = "SELECT " + job.selectList(e, false) + job.own().fromWhereTenant(e, schema);
        Checksums.Sum sum = new Checksums.Sum();
        try (FileOutputStream fos = new FileOutputStream(dir.resolve(file).toFile())) {
            GZIPOutputStream gz = new GZIPOutputStream(new BufferedOutputStream(fos, BUFFER), BUFFER);
            JsonGenerator g = JSON.createGenerator(gz);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            try (PreparedStatement p = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                p.setFetchSize(e == Dialect.POSTGRESQL ? 2000 : Integer.MIN_VALUE);
                p.setString(1, tenant);
                try (ResultSet r = p.executeQuery()) {
                    Object[] row = new Object[kinds.length];
                    long n = 0;
                    while (r.next()) {
                        g.writeStartArray();
                        for (int i = 0; i < kinds.length; i++) {
                            row[i] = r.getObject(i + 1);
                            try {
                                writeValue(g, kinds[i], row[i], r, i + 1);
                            } catch (RuntimeException ex) {
                                throw TenantRouteSqlState.MIGRATION_FAILED.exception("cannot archive " + job.name() + "." + cols.get(i).name()
                                        + " (" + cols.get(i).sourceType() + "): " + ex.getMessage(), ex);
                            }
                        }
                        g.writeEndArray();
                        g.writeRaw('\n');
                        sum.add(row);
                        if (++n % 5000 == 0) {
                            progress.accept(n);
                        }
                    }
                }
            }
            g.flush();
            gz.finish();
            gz.flush();
            fos.getFD().sync();
        }
        Checksums.Result res = sum.result();
        progress.accept(res.rows());
        List<ArchiveManifest.ForeignKey> path = new ArrayList<>();
        for (Catalog.ForeignKey fk : job.own().hops()) {
            path.add(new ArchiveManifest.ForeignKey(fk.name(), fk.columns(), fk.refTable(), fk.refColumns()));
        }
        List<ArchiveManifest.ForeignKey> fks = new ArrayList<>();
        for (Catalog.ForeignKey fk : job.def().foreignKeys()) {
            if (archived.contains(fk.refTable())) {
                fks.add(new ArchiveManifest.ForeignKey(fk.name(), fk.columns(), fk.refTable(), fk.refColumns()));
            }
        }
        return new ArchiveManifest.Table(job.name(), file, job.own().describe(), path, job.own().root(), job.own().tenantColumn(), cols,
                job.def().keyColumns(), job.def().hasPrimaryKey(), fks, res.rows(), res.checksum());
    }

    /**
     * @return the manifest's columns of a table (portable types, where the source type has one), every column
     *     including generated ones (archived with their values, marked {@code generated})
     */
    public static List<ArchiveManifest.Column> columns(Dialect e, TableJob job) {
        List<ArchiveManifest.Column> out = new ArrayList<>();
        for (Catalog.Column col : job.def().columns()) {
            out.add(new ArchiveManifest.Column(col.name(), PortableType.of(e, col.type()), col.type(), !col.notNull(), col.autoIncrement(),
                    col.generatedExpr(), col.generatedStored()));
        }
        return out;
    }

    /** @return a file name for the table's rows: its position in load order and a file-system-safe name */
    public static String fileName(int index, String table) {
        return String.format("%03d-%s.jsonl.gz", index, table.replaceAll("[^A-Za-z0-9_.-]", "_"));
    }

    private static void writeValue(JsonGenerator g, PortableType.Kind kind, Object v, ResultSet r, int i) throws IOException, SQLException {
        if (v == null) {
            g.writeNull();
            return;
        }
        switch (kind) {
            case BOOLEAN:
                g.writeBoolean(v instanceof Boolean ? (Boolean) v : ((Number) v).intValue() != 0);
                return;
            case INTEGER:
                if (v instanceof BigInteger) {
                    g.writeNumber((BigInteger) v);
                } else if (v instanceof BigDecimal) {
                    g.writeNumber((BigDecimal) v);
                } else {
                    g.writeNumber(((Number) v).longValue());
                }
                return;
            case DECIMAL:
                g.writeNumber(v instanceof BigDecimal ? (BigDecimal) v : new BigDecimal(v.toString()));
                return;
            case FLOAT: {
                double d = ((Number) v).doubleValue();
                if (Double.isFinite(d)) {
                    if (v instanceof Float) {
                        g.writeNumber((Float) v);
                    } else {
                        g.writeNumber(d);
                    }
                } else {
                    g.writeString(Double.toString(d)); // NaN, Infinity, -Infinity
                }
                return;
            }
            case DATE:
                g.writeString(v instanceof java.sql.Date ? ((java.sql.Date) v).toLocalDate().toString() : v instanceof LocalDate ? v.toString() : r.getString(i));
                return;
            case TIME:
                g.writeString(LocalTime.parse(r.getString(i).trim()).format(DateTimeFormatter.ISO_LOCAL_TIME));
                return;
            case TIMESTAMP: {
                LocalDateTime t = v instanceof Timestamp ? ((Timestamp) v).toLocalDateTime() : v instanceof LocalDateTime ? (LocalDateTime) v
                        : LocalDateTime.parse(r.getString(i).trim().replace(' ', 'T'));
                g.writeString(t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
                return;
            }
            case TIMESTAMPTZ:
                g.writeString(v instanceof Timestamp ? ((Timestamp) v).toInstant().toString()
                        : v instanceof OffsetDateTime ? ((OffsetDateTime) v).toInstant().toString() : v.toString());
                return;
            case BINARY:
                g.writeString(Base64.getEncoder().encodeToString(v instanceof byte[] ? (byte[]) v : r.getBytes(i)));
                return;
            case NATIVE:
                if (v instanceof byte[]) {
                    g.writeString(Base64.getEncoder().encodeToString((byte[]) v));
                } else {
                    g.writeString(r.getString(i));
                }
                return;
            default: // TEXT, JSON, UUID: their text (PGobject's value, UUID's canonical form)
                g.writeString(v.toString());
        }
    }
}
