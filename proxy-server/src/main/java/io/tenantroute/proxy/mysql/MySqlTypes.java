package io.tenantroute.proxy.mysql;

/**
 * Column and parameter type codes (MySQL Source Code Documentation, enum_field_types, referenced from
 * "Binary Protocol Value" and "Column Definition"; MariaDB "Result Set Packets": field types). In
 * COM_STMT_EXECUTE a parameter type is two bytes: the type, then a flag byte whose bit 0x80 means unsigned;
 * this code keeps them as one {@code int}: {@code type | flags << 8}. Constants only.
 */
public final class MySqlTypes {
    public static final int MYSQL_TYPE_DECIMAL = 0;
    public static final int MYSQL_TYPE_TINY = 1;
    public static final int MYSQL_TYPE_SHORT = 2;
    public static final int MYSQL_TYPE_LONG = 3;
    public static final int MYSQL_TYPE_FLOAT = 4;
    public static final int MYSQL_TYPE_DOUBLE = 5;
    public static final int MYSQL_TYPE_NULL = 6;
    public static final int MYSQL_TYPE_TIMESTAMP = 7;
    public static final int MYSQL_TYPE_LONGLONG = 8;
    public static final int MYSQL_TYPE_INT24 = 9;
    public static final int MYSQL_TYPE_DATE = 10;
    public static final int MYSQL_TYPE_TIME = 11;
    public static final int MYSQL_TYPE_DATETIME = 12;
    public static final int MYSQL_TYPE_YEAR = 13;
    public static final int MYSQL_TYPE_NEWDATE = 14;
    public static final int MYSQL_TYPE_VARCHAR = 15;
    public static final int MYSQL_TYPE_BIT = 16;
    public static final int MYSQL_TYPE_TIMESTAMP2 = 17;
    public static final int MYSQL_TYPE_DATETIME2 = 18;
    public static final int MYSQL_TYPE_TIME2 = 19;
    public static final int MYSQL_TYPE_JSON = 245;
    public static final int MYSQL_TYPE_NEWDECIMAL = 246;
    public static final int MYSQL_TYPE_ENUM = 247;
    public static final int MYSQL_TYPE_SET = 248;
    public static final int MYSQL_TYPE_TINY_BLOB = 249;
    public static final int MYSQL_TYPE_MEDIUM_BLOB = 250;
    public static final int MYSQL_TYPE_LONG_BLOB = 251;
    public static final int MYSQL_TYPE_BLOB = 252;
    public static final int MYSQL_TYPE_VAR_STRING = 253;
    public static final int MYSQL_TYPE_STRING = 254;
    public static final int MYSQL_TYPE_GEOMETRY = 255;

    /** The unsigned bit of a parameter type's flag byte, as it sits in this code's {@code int} form. */
    public static final int UNSIGNED_FLAG = 0x80 << 8;

    private MySqlTypes() {
    }

    /** @return the type byte of a parameter type ({@code type | flags << 8}) */
    public static int type(int paramType) {
        return paramType & 0xFF;
    }

    /** @return whether the parameter type is marked unsigned */
    public static boolean unsigned(int paramType) {
        return (paramType & UNSIGNED_FLAG) != 0;
    }

    /**
     * @param type a type byte
     * @return the fixed size of its binary value in bytes, 0 for NULL, or -1 when the value is length-prefixed
     *     (strings, decimals, blobs: a length-encoded length; temporal types: a 1-byte length)
     */
    static int fixedBinarySize(int type) {
        switch (type) {
            case MYSQL_TYPE_NULL: return 0;
            case MYSQL_TYPE_TINY: return 1;
            case MYSQL_TYPE_SHORT: case MYSQL_TYPE_YEAR: return 2;
            case MYSQL_TYPE_LONG: case MYSQL_TYPE_INT24: case MYSQL_TYPE_FLOAT: return 4;
            case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_DOUBLE: return 8;
            default: return -1;
        }
    }

    /** @return whether the type's binary value has a 1-byte length prefix (dates and times) */
    static boolean temporal(int type) {
        return type == MYSQL_TYPE_DATE || type == MYSQL_TYPE_DATETIME || type == MYSQL_TYPE_TIMESTAMP
                || type == MYSQL_TYPE_TIME || type == MYSQL_TYPE_NEWDATE || type == MYSQL_TYPE_TIMESTAMP2
                || type == MYSQL_TYPE_DATETIME2 || type == MYSQL_TYPE_TIME2;
    }
}
