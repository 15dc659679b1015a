package io.tenantroute.config.internal;

import java.util.regex.Pattern;

/**
 * The control schema's name is configuration, not data, and is written into SQL text; so it is checked
 * against a strict pattern that needs no quoting on either vendor.
 */
public final class SchemaNames {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SchemaNames() {
    }

    /**
     * @param schema a control schema name
     * @return the same name
     * @throws IllegalArgumentException unless it is 1–63 characters of {@code [a-z0-9_]}, not starting with a digit
     */
    public static String requireValid(String schema) {
        if (schema == null || !NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("control schema must be 1 to 63 characters of a-z, 0-9 and _ "
                    + "(not starting with a digit), was '" + schema + "'");
        }
        return schema;
    }
}
