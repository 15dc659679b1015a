package io.tenantroute.driver.internal;

// Written by DelegationSources (src/test); plain delegation, the behaviour lives in subclasses.

/** Delegates every {@link java.sql.ResultSet} method to {@link #delegate()}. */
@SuppressWarnings({"deprecation", "removal"})
abstract class DelegatingResultSet extends JdbcWrapper implements java.sql.ResultSet {
    /** @return the physical object; never null */
    protected abstract java.sql.ResultSet delegate() throws java.sql.SQLException;

    @Override
    protected final Object wrapped() throws java.sql.SQLException {
        return delegate();
    }

    @Override
    public boolean absolute(int value) throws java.sql.SQLException {
        return delegate().absolute(value);
    }

    @Override
    public void afterLast() throws java.sql.SQLException {
        delegate().afterLast();
    }

    @Override
    public void beforeFirst() throws java.sql.SQLException {
        delegate().beforeFirst();
    }

    @Override
    public void cancelRowUpdates() throws java.sql.SQLException {
        delegate().cancelRowUpdates();
    }

    @Override
    public void clearWarnings() throws java.sql.SQLException {
        delegate().clearWarnings();
    }

    @Override
    public void close() throws java.sql.SQLException {
        delegate().close();
    }

    @Override
    public void deleteRow() throws java.sql.SQLException {
        delegate().deleteRow();
    }

    @Override
    public int findColumn(java.lang.String value) throws java.sql.SQLException {
        return delegate().findColumn(value);
    }

    @Override
    public boolean first() throws java.sql.SQLException {
        return delegate().first();
    }

    @Override
    public java.sql.Array getArray(java.lang.String value) throws java.sql.SQLException {
        return delegate().getArray(value);
    }

    @Override
    public java.sql.Array getArray(int value) throws java.sql.SQLException {
        return delegate().getArray(value);
    }

    @Override
    public java.io.InputStream getAsciiStream(java.lang.String value) throws java.sql.SQLException {
        return delegate().getAsciiStream(value);
    }

    @Override
    public java.io.InputStream getAsciiStream(int value) throws java.sql.SQLException {
        return delegate().getAsciiStream(value);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(java.lang.String name, int a1) throws java.sql.SQLException {
        return delegate().getBigDecimal(name, a1);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(java.lang.String value) throws java.sql.SQLException {
        return delegate().getBigDecimal(value);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int index, int a1) throws java.sql.SQLException {
        return delegate().getBigDecimal(index, a1);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int value) throws java.sql.SQLException {
        return delegate().getBigDecimal(value);
    }

    @Override
    public java.io.InputStream getBinaryStream(java.lang.String value) throws java.sql.SQLException {
        return delegate().getBinaryStream(value);
    }

    @Override
    public java.io.InputStream getBinaryStream(int value) throws java.sql.SQLException {
        return delegate().getBinaryStream(value);
    }

    @Override
    public java.sql.Blob getBlob(java.lang.String value) throws java.sql.SQLException {
        return delegate().getBlob(value);
    }

    @Override
    public java.sql.Blob getBlob(int value) throws java.sql.SQLException {
        return delegate().getBlob(value);
    }

    @Override
    public boolean getBoolean(java.lang.String value) throws java.sql.SQLException {
        return delegate().getBoolean(value);
    }

    @Override
    public boolean getBoolean(int value) throws java.sql.SQLException {
        return delegate().getBoolean(value);
    }

    @Override
    public byte getByte(java.lang.String value) throws java.sql.SQLException {
        return delegate().getByte(value);
    }

    @Override
    public byte getByte(int value) throws java.sql.SQLException {
        return delegate().getByte(value);
    }

    @Override
    public byte[] getBytes(java.lang.String value) throws java.sql.SQLException {
        return delegate().getBytes(value);
    }

    @Override
    public byte[] getBytes(int value) throws java.sql.SQLException {
        return delegate().getBytes(value);
    }

    @Override
    public java.io.Reader getCharacterStream(java.lang.String value) throws java.sql.SQLException {
        return delegate().getCharacterStream(value);
    }

    @Override
    public java.io.Reader getCharacterStream(int value) throws java.sql.SQLException {
        return delegate().getCharacterStream(value);
    }

    @Override
    public java.sql.Clob getClob(java.lang.String value) throws java.sql.SQLException {
        return delegate().getClob(value);
    }

    @Override
    public java.sql.Clob getClob(int value) throws java.sql.SQLException {
        return delegate().getClob(value);
    }

    @Override
    public int getConcurrency() throws java.sql.SQLException {
        return delegate().getConcurrency();
    }

    @Override
    public java.lang.String getCursorName() throws java.sql.SQLException {
        return delegate().getCursorName();
    }

    @Override
    public java.sql.Date getDate(java.lang.String name, java.util.Calendar a1) throws java.sql.SQLException {
        return delegate().getDate(name, a1);
    }

    @Override
    public java.sql.Date getDate(java.lang.String value) throws java.sql.SQLException {
        return delegate().getDate(value);
    }

    @Override
    public java.sql.Date getDate(int index, java.util.Calendar a1) throws java.sql.SQLException {
        return delegate().getDate(index, a1);
    }

    @Override
    public java.sql.Date getDate(int value) throws java.sql.SQLException {
        return delegate().getDate(value);
    }

    @Override
    public double getDouble(java.lang.String value) throws java.sql.SQLException {
        return delegate().getDouble(value);
    }

    @Override
    public double getDouble(int value) throws java.sql.SQLException {
        return delegate().getDouble(value);
    }

    @Override
    public int getFetchDirection() throws java.sql.SQLException {
        return delegate().getFetchDirection();
    }

    @Override
    public int getFetchSize() throws java.sql.SQLException {
        return delegate().getFetchSize();
    }

    @Override
    public float getFloat(java.lang.String value) throws java.sql.SQLException {
        return delegate().getFloat(value);
    }

    @Override
    public float getFloat(int value) throws java.sql.SQLException {
        return delegate().getFloat(value);
    }

    @Override
    public int getHoldability() throws java.sql.SQLException {
        return delegate().getHoldability();
    }

    @Override
    public int getInt(java.lang.String value) throws java.sql.SQLException {
        return delegate().getInt(value);
    }

    @Override
    public int getInt(int value) throws java.sql.SQLException {
        return delegate().getInt(value);
    }

    @Override
    public long getLong(java.lang.String value) throws java.sql.SQLException {
        return delegate().getLong(value);
    }

    @Override
    public long getLong(int value) throws java.sql.SQLException {
        return delegate().getLong(value);
    }

    @Override
    public java.sql.ResultSetMetaData getMetaData() throws java.sql.SQLException {
        return delegate().getMetaData();
    }

    @Override
    public java.io.Reader getNCharacterStream(java.lang.String value) throws java.sql.SQLException {
        return delegate().getNCharacterStream(value);
    }

    @Override
    public java.io.Reader getNCharacterStream(int value) throws java.sql.SQLException {
        return delegate().getNCharacterStream(value);
    }

    @Override
    public java.sql.NClob getNClob(java.lang.String value) throws java.sql.SQLException {
        return delegate().getNClob(value);
    }

    @Override
    public java.sql.NClob getNClob(int value) throws java.sql.SQLException {
        return delegate().getNClob(value);
    }

    @Override
    public java.lang.String getNString(java.lang.String value) throws java.sql.SQLException {
        return delegate().getNString(value);
    }

    @Override
    public java.lang.String getNString(int value) throws java.sql.SQLException {
        return delegate().getNString(value);
    }

    @Override
    public <T> T getObject(java.lang.String name, java.lang.Class<T> a1) throws java.sql.SQLException {
        return delegate().getObject(name, a1);
    }

    @Override
    public java.lang.Object getObject(java.lang.String name, java.util.Map<java.lang.String, java.lang.Class<?>> a1) throws java.sql.SQLException {
        return delegate().getObject(name, a1);
    }

    @Override
    public java.lang.Object getObject(java.lang.String value) throws java.sql.SQLException {
        return delegate().getObject(value);
    }

    @Override
    public <T> T getObject(int index, java.lang.Class<T> a1) throws java.sql.SQLException {
        return delegate().getObject(index, a1);
    }

    @Override
    public java.lang.Object getObject(int index, java.util.Map<java.lang.String, java.lang.Class<?>> a1) throws java.sql.SQLException {
        return delegate().getObject(index, a1);
    }

    @Override
    public java.lang.Object getObject(int value) throws java.sql.SQLException {
        return delegate().getObject(value);
    }

    @Override
    public java.sql.Ref getRef(java.lang.String value) throws java.sql.SQLException {
        return delegate().getRef(value);
    }

    @Override
    public java.sql.Ref getRef(int value) throws java.sql.SQLException {
        return delegate().getRef(value);
    }

    @Override
    public int getRow() throws java.sql.SQLException {
        return delegate().getRow();
    }

    @Override
    public java.sql.RowId getRowId(java.lang.String value) throws java.sql.SQLException {
        return delegate().getRowId(value);
    }

    @Override
    public java.sql.RowId getRowId(int value) throws java.sql.SQLException {
        return delegate().getRowId(value);
    }

    @Override
    public java.sql.SQLXML getSQLXML(java.lang.String value) throws java.sql.SQLException {
        return delegate().getSQLXML(value);
    }

    @Override
    public java.sql.SQLXML getSQLXML(int value) throws java.sql.SQLException {
        return delegate().getSQLXML(value);
    }

    @Override
    public short getShort(java.lang.String value) throws java.sql.SQLException {
        return delegate().getShort(value);
    }

    @Override
    public short getShort(int value) throws java.sql.SQLException {
        return delegate().getShort(value);
    }

    @Override
    public java.sql.Statement getStatement() throws java.sql.SQLException {
        return delegate().getStatement();
    }

    @Override
    public java.lang.String getString(java.lang.String value) throws java.sql.SQLException {
        return delegate().getString(value);
    }

    @Override
    public java.lang.String getString(int value) throws java.sql.SQLException {
        return delegate().getString(value);
    }

    @Override
    public java.sql.Time getTime(java.lang.String name, java.util.Calendar a1) throws java.sql.SQLException {
        return delegate().getTime(name, a1);
    }

    @Override
    public java.sql.Time getTime(java.lang.String value) throws java.sql.SQLException {
        return delegate().getTime(value);
    }

    @Override
    public java.sql.Time getTime(int index, java.util.Calendar a1) throws java.sql.SQLException {
        return delegate().getTime(index, a1);
    }

    @Override
    public java.sql.Time getTime(int value) throws java.sql.SQLException {
        return delegate().getTime(value);
    }

    @Override
    public java.sql.Timestamp getTimestamp(java.lang.String name, java.util.Calendar a1) throws java.sql.SQLException {
        return delegate().getTimestamp(name, a1);
    }

    @Override
    public java.sql.Timestamp getTimestamp(java.lang.String value) throws java.sql.SQLException {
        return delegate().getTimestamp(value);
    }

    @Override
    public java.sql.Timestamp getTimestamp(int index, java.util.Calendar a1) throws java.sql.SQLException {
        return delegate().getTimestamp(index, a1);
    }

    @Override
    public java.sql.Timestamp getTimestamp(int value) throws java.sql.SQLException {
        return delegate().getTimestamp(value);
    }

    @Override
    public int getType() throws java.sql.SQLException {
        return delegate().getType();
    }

    @Override
    public java.net.URL getURL(java.lang.String value) throws java.sql.SQLException {
        return delegate().getURL(value);
    }

    @Override
    public java.net.URL getURL(int value) throws java.sql.SQLException {
        return delegate().getURL(value);
    }

    @Override
    public java.io.InputStream getUnicodeStream(java.lang.String value) throws java.sql.SQLException {
        return delegate().getUnicodeStream(value);
    }

    @Override
    public java.io.InputStream getUnicodeStream(int value) throws java.sql.SQLException {
        return delegate().getUnicodeStream(value);
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws java.sql.SQLException {
        return delegate().getWarnings();
    }

    @Override
    public void insertRow() throws java.sql.SQLException {
        delegate().insertRow();
    }

    @Override
    public boolean isAfterLast() throws java.sql.SQLException {
        return delegate().isAfterLast();
    }

    @Override
    public boolean isBeforeFirst() throws java.sql.SQLException {
        return delegate().isBeforeFirst();
    }

    @Override
    public boolean isClosed() throws java.sql.SQLException {
        return delegate().isClosed();
    }

    @Override
    public boolean isFirst() throws java.sql.SQLException {
        return delegate().isFirst();
    }

    @Override
    public boolean isLast() throws java.sql.SQLException {
        return delegate().isLast();
    }

    @Override
    public boolean last() throws java.sql.SQLException {
        return delegate().last();
    }

    @Override
    public void moveToCurrentRow() throws java.sql.SQLException {
        delegate().moveToCurrentRow();
    }

    @Override
    public void moveToInsertRow() throws java.sql.SQLException {
        delegate().moveToInsertRow();
    }

    @Override
    public boolean next() throws java.sql.SQLException {
        return delegate().next();
    }

    @Override
    public boolean previous() throws java.sql.SQLException {
        return delegate().previous();
    }

    @Override
    public void refreshRow() throws java.sql.SQLException {
        delegate().refreshRow();
    }

    @Override
    public boolean relative(int value) throws java.sql.SQLException {
        return delegate().relative(value);
    }

    @Override
    public boolean rowDeleted() throws java.sql.SQLException {
        return delegate().rowDeleted();
    }

    @Override
    public boolean rowInserted() throws java.sql.SQLException {
        return delegate().rowInserted();
    }

    @Override
    public boolean rowUpdated() throws java.sql.SQLException {
        return delegate().rowUpdated();
    }

    @Override
    public void setFetchDirection(int value) throws java.sql.SQLException {
        delegate().setFetchDirection(value);
    }

    @Override
    public void setFetchSize(int value) throws java.sql.SQLException {
        delegate().setFetchSize(value);
    }

    @Override
    public void updateArray(java.lang.String name, java.sql.Array a1) throws java.sql.SQLException {
        delegate().updateArray(name, a1);
    }

    @Override
    public void updateArray(int index, java.sql.Array a1) throws java.sql.SQLException {
        delegate().updateArray(index, a1);
    }

    @Override
    public void updateAsciiStream(java.lang.String name, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        delegate().updateAsciiStream(name, a1, a2);
    }

    @Override
    public void updateAsciiStream(java.lang.String name, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        delegate().updateAsciiStream(name, a1, a2);
    }

    @Override
    public void updateAsciiStream(java.lang.String name, java.io.InputStream a1) throws java.sql.SQLException {
        delegate().updateAsciiStream(name, a1);
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        delegate().updateAsciiStream(index, a1, a2);
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        delegate().updateAsciiStream(index, a1, a2);
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream a1) throws java.sql.SQLException {
        delegate().updateAsciiStream(index, a1);
    }

    @Override
    public void updateBigDecimal(java.lang.String name, java.math.BigDecimal a1) throws java.sql.SQLException {
        delegate().updateBigDecimal(name, a1);
    }

    @Override
    public void updateBigDecimal(int index, java.math.BigDecimal a1) throws java.sql.SQLException {
        delegate().updateBigDecimal(index, a1);
    }

    @Override
    public void updateBinaryStream(java.lang.String name, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        delegate().updateBinaryStream(name, a1, a2);
    }

    @Override
    public void updateBinaryStream(java.lang.String name, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        delegate().updateBinaryStream(name, a1, a2);
    }

    @Override
    public void updateBinaryStream(java.lang.String name, java.io.InputStream a1) throws java.sql.SQLException {
        delegate().updateBinaryStream(name, a1);
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        delegate().updateBinaryStream(index, a1, a2);
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        delegate().updateBinaryStream(index, a1, a2);
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream a1) throws java.sql.SQLException {
        delegate().updateBinaryStream(index, a1);
    }

    @Override
    public void updateBlob(java.lang.String name, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        delegate().updateBlob(name, a1, a2);
    }

    @Override
    public void updateBlob(java.lang.String name, java.io.InputStream a1) throws java.sql.SQLException {
        delegate().updateBlob(name, a1);
    }

    @Override
    public void updateBlob(java.lang.String name, java.sql.Blob a1) throws java.sql.SQLException {
        delegate().updateBlob(name, a1);
    }

    @Override
    public void updateBlob(int index, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        delegate().updateBlob(index, a1, a2);
    }

    @Override
    public void updateBlob(int index, java.io.InputStream a1) throws java.sql.SQLException {
        delegate().updateBlob(index, a1);
    }

    @Override
    public void updateBlob(int index, java.sql.Blob a1) throws java.sql.SQLException {
        delegate().updateBlob(index, a1);
    }

    @Override
    public void updateBoolean(java.lang.String name, boolean a1) throws java.sql.SQLException {
        delegate().updateBoolean(name, a1);
    }

    @Override
    public void updateBoolean(int index, boolean a1) throws java.sql.SQLException {
        delegate().updateBoolean(index, a1);
    }

    @Override
    public void updateByte(java.lang.String name, byte a1) throws java.sql.SQLException {
        delegate().updateByte(name, a1);
    }

    @Override
    public void updateByte(int index, byte a1) throws java.sql.SQLException {
        delegate().updateByte(index, a1);
    }

    @Override
    public void updateBytes(java.lang.String name, byte[] a1) throws java.sql.SQLException {
        delegate().updateBytes(name, a1);
    }

    @Override
    public void updateBytes(int index, byte[] a1) throws java.sql.SQLException {
        delegate().updateBytes(index, a1);
    }

    @Override
    public void updateCharacterStream(java.lang.String name, java.io.Reader a1, int a2) throws java.sql.SQLException {
        delegate().updateCharacterStream(name, a1, a2);
    }

    @Override
    public void updateCharacterStream(java.lang.String name, java.io.Reader a1, long a2) throws java.sql.SQLException {
        delegate().updateCharacterStream(name, a1, a2);
    }

    @Override
    public void updateCharacterStream(java.lang.String name, java.io.Reader a1) throws java.sql.SQLException {
        delegate().updateCharacterStream(name, a1);
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader a1, int a2) throws java.sql.SQLException {
        delegate().updateCharacterStream(index, a1, a2);
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader a1, long a2) throws java.sql.SQLException {
        delegate().updateCharacterStream(index, a1, a2);
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader a1) throws java.sql.SQLException {
        delegate().updateCharacterStream(index, a1);
    }

    @Override
    public void updateClob(java.lang.String name, java.io.Reader a1, long a2) throws java.sql.SQLException {
        delegate().updateClob(name, a1, a2);
    }

    @Override
    public void updateClob(java.lang.String name, java.io.Reader a1) throws java.sql.SQLException {
        delegate().updateClob(name, a1);
    }

    @Override
    public void updateClob(java.lang.String name, java.sql.Clob a1) throws java.sql.SQLException {
        delegate().updateClob(name, a1);
    }

    @Override
    public void updateClob(int index, java.io.Reader a1, long a2) throws java.sql.SQLException {
        delegate().updateClob(index, a1, a2);
    }

    @Override
    public void updateClob(int index, java.io.Reader a1) throws java.sql.SQLException {
        delegate().updateClob(index, a1);
    }

    @Override
    public void updateClob(int index, java.sql.Clob a1) throws java.sql.SQLException {
        delegate().updateClob(index, a1);
    }

    @Override
    public void updateDate(java.lang.String name, java.sql.Date a1) throws java.sql.SQLException {
        delegate().updateDate(name, a1);
    }

    @Override
    public void updateDate(int index, java.sql.Date a1) throws java.sql.SQLException {
        delegate().updateDate(index, a1);
    }

    @Override
    public void updateDouble(java.lang.String name, double a1) throws java.sql.SQLException {
        delegate().updateDouble(name, a1);
    }

    @Override
    public void updateDouble(int index, double a1) throws java.sql.SQLException {
        delegate().updateDouble(index, a1);
    }

    @Override
    public void updateFloat(java.lang.String name, float a1) throws java.sql.SQLException {
        delegate().updateFloat(name, a1);
    }

    @Override
    public void updateFloat(int index, float a1) throws java.sql.SQLException {
        delegate().updateFloat(index, a1);
    }

    @Override
    public void updateInt(java.lang.String name, int a1) throws java.sql.SQLException {
        delegate().updateInt(name, a1);
    }

    @Override
    public void updateInt(int index, int a1) throws java.sql.SQLException {
        delegate().updateInt(index, a1);
    }

    @Override
    public void updateLong(java.lang.String name, long a1) throws java.sql.SQLException {
        delegate().updateLong(name, a1);
    }

    @Override
    public void updateLong(int index, long a1) throws java.sql.SQLException {
        delegate().updateLong(index, a1);
    }

    @Override
    public void updateNCharacterStream(java.lang.String name, java.io.Reader a1, long a2) throws java.sql.SQLException {
        delegate().updateNCharacterStream(name, a1, a2);
    }

    @Override
    public void updateNCharacterStream(java.lang.String name, java.io.Reader a1) throws java.sql.SQLException {
        delegate().updateNCharacterStream(name, a1);
    }

    @Override
    public void updateNCharacterStream(int index, java.io.Reader a1, long a2) throws java.sql.SQLException {
        delegate().updateNCharacterStream(index, a1, a2);
    }

    @Override
    public void updateNCharacterStream(int index, java.io.Reader a1) throws java.sql.SQLException {
        delegate().updateNCharacterStream(index, a1);
    }

    @Override
    public void updateNClob(java.lang.String name, java.io.Reader a1, long a2) throws java.sql.SQLException {
        delegate().updateNClob(name, a1, a2);
    }

    @Override
    public void updateNClob(java.lang.String name, java.io.Reader a1) throws java.sql.SQLException {
        delegate().updateNClob(name, a1);
    }

    @Override
    public void updateNClob(java.lang.String name, java.sql.NClob a1) throws java.sql.SQLException {
        delegate().updateNClob(name, a1);
    }

    @Override
    public void updateNClob(int index, java.io.Reader a1, long a2) throws java.sql.SQLException {
        delegate().updateNClob(index, a1, a2);
    }

    @Override
    public void updateNClob(int index, java.io.Reader a1) throws java.sql.SQLException {
        delegate().updateNClob(index, a1);
    }

    @Override
    public void updateNClob(int index, java.sql.NClob a1) throws java.sql.SQLException {
        delegate().updateNClob(index, a1);
    }

    @Override
    public void updateNString(java.lang.String name, java.lang.String a1) throws java.sql.SQLException {
        delegate().updateNString(name, a1);
    }

    @Override
    public void updateNString(int index, java.lang.String a1) throws java.sql.SQLException {
        delegate().updateNString(index, a1);
    }

    @Override
    public void updateNull(java.lang.String value) throws java.sql.SQLException {
        delegate().updateNull(value);
    }

    @Override
    public void updateNull(int value) throws java.sql.SQLException {
        delegate().updateNull(value);
    }

    @Override
    public void updateObject(java.lang.String name, java.lang.Object a1, int a2) throws java.sql.SQLException {
        delegate().updateObject(name, a1, a2);
    }

    @Override
    public void updateObject(java.lang.String name, java.lang.Object a1, java.sql.SQLType a2, int a3) throws java.sql.SQLException {
        delegate().updateObject(name, a1, a2, a3);
    }

    @Override
    public void updateObject(java.lang.String name, java.lang.Object a1, java.sql.SQLType a2) throws java.sql.SQLException {
        delegate().updateObject(name, a1, a2);
    }

    @Override
    public void updateObject(java.lang.String name, java.lang.Object a1) throws java.sql.SQLException {
        delegate().updateObject(name, a1);
    }

    @Override
    public void updateObject(int index, java.lang.Object a1, int a2) throws java.sql.SQLException {
        delegate().updateObject(index, a1, a2);
    }

    @Override
    public void updateObject(int index, java.lang.Object a1, java.sql.SQLType a2, int a3) throws java.sql.SQLException {
        delegate().updateObject(index, a1, a2, a3);
    }

    @Override
    public void updateObject(int index, java.lang.Object a1, java.sql.SQLType a2) throws java.sql.SQLException {
        delegate().updateObject(index, a1, a2);
    }

    @Override
    public void updateObject(int index, java.lang.Object a1) throws java.sql.SQLException {
        delegate().updateObject(index, a1);
    }

    @Override
    public void updateRef(java.lang.String name, java.sql.Ref a1) throws java.sql.SQLException {
        delegate().updateRef(name, a1);
    }

    @Override
    public void updateRef(int index, java.sql.Ref a1) throws java.sql.SQLException {
        delegate().updateRef(index, a1);
    }

    @Override
    public void updateRow() throws java.sql.SQLException {
        delegate().updateRow();
    }

    @Override
    public void updateRowId(java.lang.String name, java.sql.RowId a1) throws java.sql.SQLException {
        delegate().updateRowId(name, a1);
    }

    @Override
    public void updateRowId(int index, java.sql.RowId a1) throws java.sql.SQLException {
        delegate().updateRowId(index, a1);
    }

    @Override
    public void updateSQLXML(java.lang.String name, java.sql.SQLXML a1) throws java.sql.SQLException {
        delegate().updateSQLXML(name, a1);
    }

    @Override
    public void updateSQLXML(int index, java.sql.SQLXML a1) throws java.sql.SQLException {
        delegate().updateSQLXML(index, a1);
    }

    @Override
    public void updateShort(java.lang.String name, short a1) throws java.sql.SQLException {
        delegate().updateShort(name, a1);
    }

    @Override
    public void updateShort(int index, short a1) throws java.sql.SQLException {
        delegate().updateShort(index, a1);
    }

    @Override
    public void updateString(java.lang.String name, java.lang.String a1) throws java.sql.SQLException {
        delegate().updateString(name, a1);
    }

    @Override
    public void updateString(int index, java.lang.String a1) throws java.sql.SQLException {
        delegate().updateString(index, a1);
    }

    @Override
    public void updateTime(java.lang.String name, java.sql.Time a1) throws java.sql.SQLException {
        delegate().updateTime(name, a1);
    }

    @Override
    public void updateTime(int index, java.sql.Time a1) throws java.sql.SQLException {
        delegate().updateTime(index, a1);
    }

    @Override
    public void updateTimestamp(java.lang.String name, java.sql.Timestamp a1) throws java.sql.SQLException {
        delegate().updateTimestamp(name, a1);
    }

    @Override
    public void updateTimestamp(int index, java.sql.Timestamp a1) throws java.sql.SQLException {
        delegate().updateTimestamp(index, a1);
    }

    @Override
    public boolean wasNull() throws java.sql.SQLException {
        return delegate().wasNull();
    }

}
