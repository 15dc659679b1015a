package io.tenantroute.migrator.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * An empty directory private to this process (created on first use, owner-only permissions, deleted at exit):
 * the value of Connector/J's {@code allowLoadLocalInfileInPath} on the migrator's MySQL connections, so the
 * driver advertises local files (needed for the copier's streamed {@code LOAD DATA LOCAL INFILE}) while a server
 * asking for a file of this host finds nothing. Thread-safe.
 */
public final class NoLocalFiles {
    private NoLocalFiles() {
    }

    private static final class Holder {
        static final String DIR = create();

        private static String create() {
            try {
                Path d = Files.createTempDirectory("tenantroute-no-local-files-");
                d.toFile().deleteOnExit();
                return d.toString();
            } catch (IOException | RuntimeException e) {
                LoggerFactory.getLogger(NoLocalFiles.class).warn("no temporary directory for LOAD DATA LOCAL ({}); MySQL copies use inserts",
                        e.toString());
                return null;
            }
        }
    }

    /** @return the directory's path, or null when no temporary directory could be created */
    public static String dir() {
        return Holder.DIR;
    }
}
