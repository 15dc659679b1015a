package io.tenantroute.driver.internal;

// Written by DelegationSources (src/test); plain delegation, the behaviour lives in subclasses.

/** Records every indexed {@code set…} of {@link java.sql.PreparedStatement} through {@link #bind}, for replay on a new physical statement. */
@SuppressWarnings({"deprecation", "removal"})
abstract class RecordingPreparedStatementSetters extends LogicalStatement implements java.sql.PreparedStatement {
    RecordingPreparedStatementSetters(LogicalConnection connection, StatementSettings settings) {
        super(connection, settings);
    }

    /** Records parameter {@code index} (1-based) with its value (for tenant inference) and how to set it. */
    protected abstract void bind(int index, Object value, Binder binder) throws java.sql.SQLException;

    @Override
    public void setArray(int index, java.sql.Array a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setArray(index, a1));
    }

    @Override
    public void setAsciiStream(int index, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setAsciiStream(index, a1, a2));
    }

    @Override
    public void setAsciiStream(int index, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setAsciiStream(index, a1, a2));
    }

    @Override
    public void setAsciiStream(int index, java.io.InputStream a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setAsciiStream(index, a1));
    }

    @Override
    public void setBigDecimal(int index, java.math.BigDecimal a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBigDecimal(index, a1));
    }

    @Override
    public void setBinaryStream(int index, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBinaryStream(index, a1, a2));
    }

    @Override
    public void setBinaryStream(int index, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBinaryStream(index, a1, a2));
    }

    @Override
    public void setBinaryStream(int index, java.io.InputStream a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBinaryStream(index, a1));
    }

    @Override
    public void setBlob(int index, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBlob(index, a1, a2));
    }

    @Override
    public void setBlob(int index, java.io.InputStream a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBlob(index, a1));
    }

    @Override
    public void setBlob(int index, java.sql.Blob a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBlob(index, a1));
    }

    @Override
    public void setBoolean(int index, boolean a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBoolean(index, a1));
    }

    @Override
    public void setByte(int index, byte a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setByte(index, a1));
    }

    @Override
    public void setBytes(int index, byte[] a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setBytes(index, a1));
    }

    @Override
    public void setCharacterStream(int index, java.io.Reader a1, int a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setCharacterStream(index, a1, a2));
    }

    @Override
    public void setCharacterStream(int index, java.io.Reader a1, long a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setCharacterStream(index, a1, a2));
    }

    @Override
    public void setCharacterStream(int index, java.io.Reader a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setCharacterStream(index, a1));
    }

    @Override
    public void setClob(int index, java.io.Reader a1, long a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setClob(index, a1, a2));
    }

    @Override
    public void setClob(int index, java.io.Reader a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setClob(index, a1));
    }

    @Override
    public void setClob(int index, java.sql.Clob a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setClob(index, a1));
    }

    @Override
    public void setDate(int index, java.sql.Date a1, java.util.Calendar a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setDate(index, a1, a2));
    }

    @Override
    public void setDate(int index, java.sql.Date a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setDate(index, a1));
    }

    @Override
    public void setDouble(int index, double a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setDouble(index, a1));
    }

    @Override
    public void setFloat(int index, float a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setFloat(index, a1));
    }

    @Override
    public void setInt(int index, int a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setInt(index, a1));
    }

    @Override
    public void setLong(int index, long a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setLong(index, a1));
    }

    @Override
    public void setNCharacterStream(int index, java.io.Reader a1, long a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setNCharacterStream(index, a1, a2));
    }

    @Override
    public void setNCharacterStream(int index, java.io.Reader a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setNCharacterStream(index, a1));
    }

    @Override
    public void setNClob(int index, java.io.Reader a1, long a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setNClob(index, a1, a2));
    }

    @Override
    public void setNClob(int index, java.io.Reader a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setNClob(index, a1));
    }

    @Override
    public void setNClob(int index, java.sql.NClob a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setNClob(index, a1));
    }

    @Override
    public void setNString(int index, java.lang.String a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setNString(index, a1));
    }

    @Override
    public void setNull(int index, int a1, java.lang.String a2) throws java.sql.SQLException {
        bind(index, null, ps -> ps.setNull(index, a1, a2));
    }

    @Override
    public void setNull(int index, int a1) throws java.sql.SQLException {
        bind(index, null, ps -> ps.setNull(index, a1));
    }

    @Override
    public void setObject(int index, java.lang.Object a1, int a2, int a3) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setObject(index, a1, a2, a3));
    }

    @Override
    public void setObject(int index, java.lang.Object a1, int a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setObject(index, a1, a2));
    }

    @Override
    public void setObject(int index, java.lang.Object a1, java.sql.SQLType a2, int a3) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setObject(index, a1, a2, a3));
    }

    @Override
    public void setObject(int index, java.lang.Object a1, java.sql.SQLType a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setObject(index, a1, a2));
    }

    @Override
    public void setObject(int index, java.lang.Object a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setObject(index, a1));
    }

    @Override
    public void setRef(int index, java.sql.Ref a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setRef(index, a1));
    }

    @Override
    public void setRowId(int index, java.sql.RowId a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setRowId(index, a1));
    }

    @Override
    public void setSQLXML(int index, java.sql.SQLXML a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setSQLXML(index, a1));
    }

    @Override
    public void setShort(int index, short a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setShort(index, a1));
    }

    @Override
    public void setString(int index, java.lang.String a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setString(index, a1));
    }

    @Override
    public void setTime(int index, java.sql.Time a1, java.util.Calendar a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setTime(index, a1, a2));
    }

    @Override
    public void setTime(int index, java.sql.Time a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setTime(index, a1));
    }

    @Override
    public void setTimestamp(int index, java.sql.Timestamp a1, java.util.Calendar a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setTimestamp(index, a1, a2));
    }

    @Override
    public void setTimestamp(int index, java.sql.Timestamp a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setTimestamp(index, a1));
    }

    @Override
    public void setURL(int index, java.net.URL a1) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setURL(index, a1));
    }

    @Override
    public void setUnicodeStream(int index, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        bind(index, a1, ps -> ps.setUnicodeStream(index, a1, a2));
    }

}
