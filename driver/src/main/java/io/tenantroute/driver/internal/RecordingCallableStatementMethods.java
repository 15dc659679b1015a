package io.tenantroute.driver.internal;

// Written by DelegationSources (src/test); plain delegation, the behaviour lives in subclasses.

/** {@link java.sql.CallableStatement}: named {@code set…} and {@code registerOutParameter} are recorded, getters read the physical statement. */
@SuppressWarnings({"deprecation", "removal"})
abstract class RecordingCallableStatementMethods extends LogicalPreparedStatement implements java.sql.CallableStatement {
    RecordingCallableStatementMethods(LogicalConnection connection, StatementSettings settings, String sql) throws java.sql.SQLException {
        super(connection, settings, sql, true);
    }

    /** @return the physical callable statement of the last execution */
    protected abstract java.sql.CallableStatement executed() throws java.sql.SQLException;

    /** Records an out-parameter registration or a named parameter. */
    protected abstract void record(String key, Binder binder) throws java.sql.SQLException;

    @Override
    public java.sql.Array getArray(java.lang.String value) throws java.sql.SQLException {
        return executed().getArray(value);
    }

    @Override
    public java.sql.Array getArray(int value) throws java.sql.SQLException {
        return executed().getArray(value);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(java.lang.String value) throws java.sql.SQLException {
        return executed().getBigDecimal(value);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int index, int a1) throws java.sql.SQLException {
        return executed().getBigDecimal(index, a1);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int value) throws java.sql.SQLException {
        return executed().getBigDecimal(value);
    }

    @Override
    public java.sql.Blob getBlob(java.lang.String value) throws java.sql.SQLException {
        return executed().getBlob(value);
    }

    @Override
    public java.sql.Blob getBlob(int value) throws java.sql.SQLException {
        return executed().getBlob(value);
    }

    @Override
    public boolean getBoolean(java.lang.String value) throws java.sql.SQLException {
        return executed().getBoolean(value);
    }

    @Override
    public boolean getBoolean(int value) throws java.sql.SQLException {
        return executed().getBoolean(value);
    }

    @Override
    public byte getByte(java.lang.String value) throws java.sql.SQLException {
        return executed().getByte(value);
    }

    @Override
    public byte getByte(int value) throws java.sql.SQLException {
        return executed().getByte(value);
    }

    @Override
    public byte[] getBytes(java.lang.String value) throws java.sql.SQLException {
        return executed().getBytes(value);
    }

    @Override
    public byte[] getBytes(int value) throws java.sql.SQLException {
        return executed().getBytes(value);
    }

    @Override
    public java.io.Reader getCharacterStream(java.lang.String value) throws java.sql.SQLException {
        return executed().getCharacterStream(value);
    }

    @Override
    public java.io.Reader getCharacterStream(int value) throws java.sql.SQLException {
        return executed().getCharacterStream(value);
    }

    @Override
    public java.sql.Clob getClob(java.lang.String value) throws java.sql.SQLException {
        return executed().getClob(value);
    }

    @Override
    public java.sql.Clob getClob(int value) throws java.sql.SQLException {
        return executed().getClob(value);
    }

    @Override
    public java.sql.Date getDate(java.lang.String name, java.util.Calendar a1) throws java.sql.SQLException {
        return executed().getDate(name, a1);
    }

    @Override
    public java.sql.Date getDate(java.lang.String value) throws java.sql.SQLException {
        return executed().getDate(value);
    }

    @Override
    public java.sql.Date getDate(int index, java.util.Calendar a1) throws java.sql.SQLException {
        return executed().getDate(index, a1);
    }

    @Override
    public java.sql.Date getDate(int value) throws java.sql.SQLException {
        return executed().getDate(value);
    }

    @Override
    public double getDouble(java.lang.String value) throws java.sql.SQLException {
        return executed().getDouble(value);
    }

    @Override
    public double getDouble(int value) throws java.sql.SQLException {
        return executed().getDouble(value);
    }

    @Override
    public float getFloat(java.lang.String value) throws java.sql.SQLException {
        return executed().getFloat(value);
    }

    @Override
    public float getFloat(int value) throws java.sql.SQLException {
        return executed().getFloat(value);
    }

    @Override
    public int getInt(java.lang.String value) throws java.sql.SQLException {
        return executed().getInt(value);
    }

    @Override
    public int getInt(int value) throws java.sql.SQLException {
        return executed().getInt(value);
    }

    @Override
    public long getLong(java.lang.String value) throws java.sql.SQLException {
        return executed().getLong(value);
    }

    @Override
    public long getLong(int value) throws java.sql.SQLException {
        return executed().getLong(value);
    }

    @Override
    public java.io.Reader getNCharacterStream(java.lang.String value) throws java.sql.SQLException {
        return executed().getNCharacterStream(value);
    }

    @Override
    public java.io.Reader getNCharacterStream(int value) throws java.sql.SQLException {
        return executed().getNCharacterStream(value);
    }

    @Override
    public java.sql.NClob getNClob(java.lang.String value) throws java.sql.SQLException {
        return executed().getNClob(value);
    }

    @Override
    public java.sql.NClob getNClob(int value) throws java.sql.SQLException {
        return executed().getNClob(value);
    }

    @Override
    public java.lang.String getNString(java.lang.String value) throws java.sql.SQLException {
        return executed().getNString(value);
    }

    @Override
    public java.lang.String getNString(int value) throws java.sql.SQLException {
        return executed().getNString(value);
    }

    @Override
    public <T> T getObject(java.lang.String name, java.lang.Class<T> a1) throws java.sql.SQLException {
        return executed().getObject(name, a1);
    }

    @Override
    public java.lang.Object getObject(java.lang.String name, java.util.Map<java.lang.String, java.lang.Class<?>> a1) throws java.sql.SQLException {
        return executed().getObject(name, a1);
    }

    @Override
    public java.lang.Object getObject(java.lang.String value) throws java.sql.SQLException {
        return executed().getObject(value);
    }

    @Override
    public <T> T getObject(int index, java.lang.Class<T> a1) throws java.sql.SQLException {
        return executed().getObject(index, a1);
    }

    @Override
    public java.lang.Object getObject(int index, java.util.Map<java.lang.String, java.lang.Class<?>> a1) throws java.sql.SQLException {
        return executed().getObject(index, a1);
    }

    @Override
    public java.lang.Object getObject(int value) throws java.sql.SQLException {
        return executed().getObject(value);
    }

    @Override
    public java.sql.Ref getRef(java.lang.String value) throws java.sql.SQLException {
        return executed().getRef(value);
    }

    @Override
    public java.sql.Ref getRef(int value) throws java.sql.SQLException {
        return executed().getRef(value);
    }

    @Override
    public java.sql.RowId getRowId(java.lang.String value) throws java.sql.SQLException {
        return executed().getRowId(value);
    }

    @Override
    public java.sql.RowId getRowId(int value) throws java.sql.SQLException {
        return executed().getRowId(value);
    }

    @Override
    public java.sql.SQLXML getSQLXML(java.lang.String value) throws java.sql.SQLException {
        return executed().getSQLXML(value);
    }

    @Override
    public java.sql.SQLXML getSQLXML(int value) throws java.sql.SQLException {
        return executed().getSQLXML(value);
    }

    @Override
    public short getShort(java.lang.String value) throws java.sql.SQLException {
        return executed().getShort(value);
    }

    @Override
    public short getShort(int value) throws java.sql.SQLException {
        return executed().getShort(value);
    }

    @Override
    public java.lang.String getString(java.lang.String value) throws java.sql.SQLException {
        return executed().getString(value);
    }

    @Override
    public java.lang.String getString(int value) throws java.sql.SQLException {
        return executed().getString(value);
    }

    @Override
    public java.sql.Time getTime(java.lang.String name, java.util.Calendar a1) throws java.sql.SQLException {
        return executed().getTime(name, a1);
    }

    @Override
    public java.sql.Time getTime(java.lang.String value) throws java.sql.SQLException {
        return executed().getTime(value);
    }

    @Override
    public java.sql.Time getTime(int index, java.util.Calendar a1) throws java.sql.SQLException {
        return executed().getTime(index, a1);
    }

    @Override
    public java.sql.Time getTime(int value) throws java.sql.SQLException {
        return executed().getTime(value);
    }

    @Override
    public java.sql.Timestamp getTimestamp(java.lang.String name, java.util.Calendar a1) throws java.sql.SQLException {
        return executed().getTimestamp(name, a1);
    }

    @Override
    public java.sql.Timestamp getTimestamp(java.lang.String value) throws java.sql.SQLException {
        return executed().getTimestamp(value);
    }

    @Override
    public java.sql.Timestamp getTimestamp(int index, java.util.Calendar a1) throws java.sql.SQLException {
        return executed().getTimestamp(index, a1);
    }

    @Override
    public java.sql.Timestamp getTimestamp(int value) throws java.sql.SQLException {
        return executed().getTimestamp(value);
    }

    @Override
    public java.net.URL getURL(java.lang.String value) throws java.sql.SQLException {
        return executed().getURL(value);
    }

    @Override
    public java.net.URL getURL(int value) throws java.sql.SQLException {
        return executed().getURL(value);
    }

    @Override
    public void registerOutParameter(java.lang.String name, int a1, java.lang.String a2) throws java.sql.SQLException {
        record("out:" + name, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(name, a1, a2));
    }

    @Override
    public void registerOutParameter(java.lang.String name, int a1, int a2) throws java.sql.SQLException {
        record("out:" + name, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(name, a1, a2));
    }

    @Override
    public void registerOutParameter(java.lang.String name, int a1) throws java.sql.SQLException {
        record("out:" + name, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(name, a1));
    }

    @Override
    public void registerOutParameter(java.lang.String name, java.sql.SQLType a1, java.lang.String a2) throws java.sql.SQLException {
        record("out:" + name, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(name, a1, a2));
    }

    @Override
    public void registerOutParameter(java.lang.String name, java.sql.SQLType a1, int a2) throws java.sql.SQLException {
        record("out:" + name, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(name, a1, a2));
    }

    @Override
    public void registerOutParameter(java.lang.String name, java.sql.SQLType a1) throws java.sql.SQLException {
        record("out:" + name, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(name, a1));
    }

    @Override
    public void registerOutParameter(int index, int a1, java.lang.String a2) throws java.sql.SQLException {
        record("out:" + index, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(index, a1, a2));
    }

    @Override
    public void registerOutParameter(int index, int a1, int a2) throws java.sql.SQLException {
        record("out:" + index, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(index, a1, a2));
    }

    @Override
    public void registerOutParameter(int index, int a1) throws java.sql.SQLException {
        record("out:" + index, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(index, a1));
    }

    @Override
    public void registerOutParameter(int index, java.sql.SQLType a1, java.lang.String a2) throws java.sql.SQLException {
        record("out:" + index, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(index, a1, a2));
    }

    @Override
    public void registerOutParameter(int index, java.sql.SQLType a1, int a2) throws java.sql.SQLException {
        record("out:" + index, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(index, a1, a2));
    }

    @Override
    public void registerOutParameter(int index, java.sql.SQLType a1) throws java.sql.SQLException {
        record("out:" + index, ps -> ((java.sql.CallableStatement) ps).registerOutParameter(index, a1));
    }

    @Override
    public void setAsciiStream(java.lang.String name, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setAsciiStream(name, a1, a2));
    }

    @Override
    public void setAsciiStream(java.lang.String name, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setAsciiStream(name, a1, a2));
    }

    @Override
    public void setAsciiStream(java.lang.String name, java.io.InputStream a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setAsciiStream(name, a1));
    }

    @Override
    public void setBigDecimal(java.lang.String name, java.math.BigDecimal a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBigDecimal(name, a1));
    }

    @Override
    public void setBinaryStream(java.lang.String name, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBinaryStream(name, a1, a2));
    }

    @Override
    public void setBinaryStream(java.lang.String name, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBinaryStream(name, a1, a2));
    }

    @Override
    public void setBinaryStream(java.lang.String name, java.io.InputStream a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBinaryStream(name, a1));
    }

    @Override
    public void setBlob(java.lang.String name, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBlob(name, a1, a2));
    }

    @Override
    public void setBlob(java.lang.String name, java.io.InputStream a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBlob(name, a1));
    }

    @Override
    public void setBlob(java.lang.String name, java.sql.Blob a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBlob(name, a1));
    }

    @Override
    public void setBoolean(java.lang.String name, boolean a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBoolean(name, a1));
    }

    @Override
    public void setByte(java.lang.String name, byte a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setByte(name, a1));
    }

    @Override
    public void setBytes(java.lang.String name, byte[] a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setBytes(name, a1));
    }

    @Override
    public void setCharacterStream(java.lang.String name, java.io.Reader a1, int a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setCharacterStream(name, a1, a2));
    }

    @Override
    public void setCharacterStream(java.lang.String name, java.io.Reader a1, long a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setCharacterStream(name, a1, a2));
    }

    @Override
    public void setCharacterStream(java.lang.String name, java.io.Reader a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setCharacterStream(name, a1));
    }

    @Override
    public void setClob(java.lang.String name, java.io.Reader a1, long a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setClob(name, a1, a2));
    }

    @Override
    public void setClob(java.lang.String name, java.io.Reader a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setClob(name, a1));
    }

    @Override
    public void setClob(java.lang.String name, java.sql.Clob a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setClob(name, a1));
    }

    @Override
    public void setDate(java.lang.String name, java.sql.Date a1, java.util.Calendar a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setDate(name, a1, a2));
    }

    @Override
    public void setDate(java.lang.String name, java.sql.Date a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setDate(name, a1));
    }

    @Override
    public void setDouble(java.lang.String name, double a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setDouble(name, a1));
    }

    @Override
    public void setFloat(java.lang.String name, float a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setFloat(name, a1));
    }

    @Override
    public void setInt(java.lang.String name, int a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setInt(name, a1));
    }

    @Override
    public void setLong(java.lang.String name, long a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setLong(name, a1));
    }

    @Override
    public void setNCharacterStream(java.lang.String name, java.io.Reader a1, long a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setNCharacterStream(name, a1, a2));
    }

    @Override
    public void setNCharacterStream(java.lang.String name, java.io.Reader a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setNCharacterStream(name, a1));
    }

    @Override
    public void setNClob(java.lang.String name, java.io.Reader a1, long a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setNClob(name, a1, a2));
    }

    @Override
    public void setNClob(java.lang.String name, java.io.Reader a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setNClob(name, a1));
    }

    @Override
    public void setNClob(java.lang.String name, java.sql.NClob a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setNClob(name, a1));
    }

    @Override
    public void setNString(java.lang.String name, java.lang.String a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setNString(name, a1));
    }

    @Override
    public void setNull(java.lang.String name, int a1, java.lang.String a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setNull(name, a1, a2));
    }

    @Override
    public void setNull(java.lang.String name, int a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setNull(name, a1));
    }

    @Override
    public void setObject(java.lang.String name, java.lang.Object a1, int a2, int a3) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setObject(name, a1, a2, a3));
    }

    @Override
    public void setObject(java.lang.String name, java.lang.Object a1, int a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setObject(name, a1, a2));
    }

    @Override
    public void setObject(java.lang.String name, java.lang.Object a1, java.sql.SQLType a2, int a3) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setObject(name, a1, a2, a3));
    }

    @Override
    public void setObject(java.lang.String name, java.lang.Object a1, java.sql.SQLType a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setObject(name, a1, a2));
    }

    @Override
    public void setObject(java.lang.String name, java.lang.Object a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setObject(name, a1));
    }

    @Override
    public void setRowId(java.lang.String name, java.sql.RowId a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setRowId(name, a1));
    }

    @Override
    public void setSQLXML(java.lang.String name, java.sql.SQLXML a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setSQLXML(name, a1));
    }

    @Override
    public void setShort(java.lang.String name, short a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setShort(name, a1));
    }

    @Override
    public void setString(java.lang.String name, java.lang.String a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setString(name, a1));
    }

    @Override
    public void setTime(java.lang.String name, java.sql.Time a1, java.util.Calendar a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setTime(name, a1, a2));
    }

    @Override
    public void setTime(java.lang.String name, java.sql.Time a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setTime(name, a1));
    }

    @Override
    public void setTimestamp(java.lang.String name, java.sql.Timestamp a1, java.util.Calendar a2) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setTimestamp(name, a1, a2));
    }

    @Override
    public void setTimestamp(java.lang.String name, java.sql.Timestamp a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setTimestamp(name, a1));
    }

    @Override
    public void setURL(java.lang.String name, java.net.URL a1) throws java.sql.SQLException {
        record("set:" + name, ps -> ((java.sql.CallableStatement) ps).setURL(name, a1));
    }

    @Override
    public boolean wasNull() throws java.sql.SQLException {
        return executed().wasNull();
    }

}
