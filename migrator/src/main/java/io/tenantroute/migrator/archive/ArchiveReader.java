package io.tenantroute.migrator.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Streams the rows of one archived table, one at a time (memory: one row and the decompression buffers).
 * Each row is the column values in manifest order: {@code null}, {@link Boolean}, or {@link String} (numbers as
 * their JSON text, so decimals keep every digit; binary as base64; timestamps as ISO-8601 text). Not thread-safe.
 */
public final class ArchiveReader implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();

    private final JsonParser parser;
    private final ArchiveManifest.Table table;
    private final int width;
    private long rows;

    private ArchiveReader(JsonParser parser, ArchiveManifest.Table table) {
        this.parser = parser;
        this.table = table;
        this.width = table.columns().size();
    }

    /**
     * @param dir the archive directory
     * @param table the table, from the archive's manifest
     * @throws IOException when its file is missing or unreadable
     */
    public static ArchiveReader open(Path dir, ArchiveManifest.Table table) throws IOException {
        InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(table.file())), 1 << 16), 1 << 16);
        return new ArchiveReader(JSON.createParser(in), table);
    }

    /**
     * @return the next row, or null after the last
     * @throws IOException on a malformed file (message names the table and row number)
     */
    public Object[] next() throws IOException {
        JsonToken t = parser.nextToken();
        if (t == null) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw malformed("a row must be a JSON array");
        }
        Object[] row = new Object[width];
        int i = 0;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw malformed("truncated");
            }
            if (i >= width) {
                throw malformed("more values than the manifest's " + width + " columns");
            }
            switch (t) {
                case VALUE_NULL: row[i] = null; break;
                case VALUE_TRUE: row[i] = Boolean.TRUE; break;
                case VALUE_FALSE: row[i] = Boolean.FALSE; break;
                case VALUE_STRING: case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: row[i] = parser.getText(); break;
                default: throw malformed("unexpected " + t);
            }
            i++;
        }
        if (i != width) {
            throw malformed(i + " values for " + width + " columns");
        }
        rows++;
        return row;
    }

    private IOException malformed(String why) {
        return new IOException("archive file " + table.file() + " of table " + table.name() + ", row " + (rows + 1) + ": " + why);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
