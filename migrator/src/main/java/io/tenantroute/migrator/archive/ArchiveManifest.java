package io.tenantroute.migrator.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@code manifest.json} of a tenant archive: what the archive holds and how to check it. Written last, so an
 * archive directory without it is incomplete. See {@code docs/archive.md} for the format.
 *
 * @param format always {@link #FORMAT}
 * @param formatVersion {@link #VERSION}; readers refuse newer versions
 * @param kind {@code export} or {@code cleanup}
 * @param tenant the tenant id
 * @param source where the rows were read
 * @param createdAt ISO-8601 instant the snapshot was taken
 * @param jvmTimeZone time zone of the JVM that computed the checksums (timestamps with time zone are
 *     encoded as local date-times of that zone by the canonical row encoding)
 * @param migrationId the journal id of the export or cleanup that wrote it, or null
 * @param cleanedMigrationId for {@code cleanup}: the move whose old rows these are; else null
 * @param tables the tenant's tables in FK load order (parents first)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ArchiveManifest(String format, int formatVersion, String kind, String tenant, Source source, String createdAt,
        String jvmTimeZone, Long migrationId, Long cleanedMigrationId, List<Table> tables) {
    /** Value of {@link #format}. */
    public static final String FORMAT = "tenantroute-archive";
    /** The format version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    /** File name of the manifest inside the archive directory. */
    public static final String FILE = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Where the rows came from.
     *
     * @param target target name in the tenant map
     * @param schema schema (PostgreSQL) / database (MySQL)
     * @param engine {@code postgresql} or {@code mysql}
     * @param serverVersion the server's product version
     */
    public record Source(String target, String schema, String engine, String serverVersion) {
    }

    /**
     * One column.
     *
     * @param name column name
     * @param type portable type ({@link PortableType}), or null when the source type has none
     * @param sourceType the type as the source catalog prints it
     * @param nullable whether NULL is allowed
     * @param autoIncrement identity / serial / AUTO_INCREMENT on the source
     * @param generated the generation expression of a generated column as the source prints it (its engine's
     *     dialect), or null for an ordinary column (also in archives written before the field existed). The rows
     *     hold its values (they count in the checksum); an import never writes them into a column the target
     *     generates
     * @param generatedStored whether a generated column is stored on the source (rather than virtual, MySQL/MariaDB)
     */
    public record Column(String name, String type, String sourceType, boolean nullable, boolean autoIncrement, String generated,
            boolean generatedStored) {
        /** An ordinary (not generated) column. */
        public Column(String name, String type, String sourceType, boolean nullable, boolean autoIncrement) {
            this(name, type, sourceType, nullable, autoIncrement, null, false);
        }
    }

    /** A foreign key: {@code columns} reference {@code refColumns} of {@code refTable} (same schema). */
    public record ForeignKey(String name, List<String> columns, String refTable, List<String> refColumns) {
    }

    /**
     * One table.
     *
     * @param name table name
     * @param file file of its rows inside the archive ({@code .jsonl.gz}: one JSON array per row, values in column order)
     * @param ownership human-readable ownership path
     * @param path foreign keys followed from this table to {@code rootTable} (empty when it has the tenant column)
     * @param rootTable the table holding the tenant column
     * @param tenantColumn the tenant column of {@code rootTable}
     * @param columns columns in table order
     * @param keyColumns primary key (or NOT NULL unique key) columns; empty when none
     * @param primaryKey whether {@code keyColumns} is the primary key
     * @param foreignKeys foreign keys to other archived tables
     * @param rows number of rows
     * @param checksum order-independent checksum of the rows (the same value {@code tenantroute verify} computes)
     */
    public record Table(String name, String file, String ownership, List<ForeignKey> path, String rootTable, String tenantColumn,
            List<Column> columns, List<String> keyColumns, boolean primaryKey, List<ForeignKey> foreignKeys, long rows, String checksum) {
        /** @return the column names, in order */
        public List<String> columnNames() {
            return columns.stream().map(Column::name).toList();
        }
    }

    /** @return the table of that name, or null */
    public Table table(String name) {
        for (Table t : tables) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** @return total rows over all tables */
    public long totalRows() {
        return tables.stream().mapToLong(Table::rows).sum();
    }

    /**
     * Writes the manifest into the archive directory atomically (temporary file, fsync, rename): after this
     * returns the archive is complete.
     *
     * @throws IOException on a write failure
     */
    public void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            JSON.writeValue(o, this);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** @return whether {@code dir} holds a complete archive (its manifest) */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /**
     * Reads an archive's manifest.
     *
     * @param dir the archive directory
     * @throws IOException when it is missing (incomplete archive), unreadable, not an archive, or of a newer format version
     */
    public static ArchiveManifest read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new IOException(dir + " is not a complete tenant archive (no " + FILE + ")");
        }
        ArchiveManifest m = JSON.readValue(f.toFile(), ArchiveManifest.class);
        if (!FORMAT.equals(m.format())) {
            throw new IOException(f + " is not a TenantRoute archive manifest");
        }
        if (m.formatVersion() > VERSION) {
            throw new IOException(f + ": archive format version " + m.formatVersion() + " is newer than this tenantroute reads (" + VERSION + ")");
        }
        return m;
    }
}
