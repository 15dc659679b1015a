package io.tenantroute.driver.internal;

// Written by DelegationSources (src/test); plain delegation, the behaviour lives in subclasses.

/** Delegates every {@link java.sql.DatabaseMetaData} method to {@link #delegate()}; result sets pass {@link #resultSet}, other calls end with {@link #done()}. */
abstract class DelegatingDatabaseMetaData extends JdbcWrapper implements java.sql.DatabaseMetaData {
    /** @return the physical metadata of a connection borrowed for this call */
    protected abstract java.sql.DatabaseMetaData delegate() throws java.sql.SQLException;

    /** Wraps a result set so that the borrowed connection goes back when it closes. */
    protected abstract java.sql.ResultSet resultSet(java.sql.ResultSet rs) throws java.sql.SQLException;

    /** Ends a call that returned no result set. */
    protected abstract void done() throws java.sql.SQLException;

    @Override
    protected final Object wrapped() throws java.sql.SQLException {
        return delegate();
    }

    @Override
    public boolean allProceduresAreCallable() throws java.sql.SQLException {
        try {
            return delegate().allProceduresAreCallable();
        } finally {
            done();
        }
    }

    @Override
    public boolean allTablesAreSelectable() throws java.sql.SQLException {
        try {
            return delegate().allTablesAreSelectable();
        } finally {
            done();
        }
    }

    @Override
    public boolean autoCommitFailureClosesAllResultSets() throws java.sql.SQLException {
        try {
            return delegate().autoCommitFailureClosesAllResultSets();
        } finally {
            done();
        }
    }

    @Override
    public boolean dataDefinitionCausesTransactionCommit() throws java.sql.SQLException {
        try {
            return delegate().dataDefinitionCausesTransactionCommit();
        } finally {
            done();
        }
    }

    @Override
    public boolean dataDefinitionIgnoredInTransactions() throws java.sql.SQLException {
        try {
            return delegate().dataDefinitionIgnoredInTransactions();
        } finally {
            done();
        }
    }

    @Override
    public boolean deletesAreDetected(int value) throws java.sql.SQLException {
        try {
            return delegate().deletesAreDetected(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean doesMaxRowSizeIncludeBlobs() throws java.sql.SQLException {
        try {
            return delegate().doesMaxRowSizeIncludeBlobs();
        } finally {
            done();
        }
    }

    @Override
    public boolean generatedKeyAlwaysReturned() throws java.sql.SQLException {
        try {
            return delegate().generatedKeyAlwaysReturned();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getAttributes(java.lang.String name, java.lang.String a1, java.lang.String a2, java.lang.String a3) throws java.sql.SQLException {
        return resultSet(delegate().getAttributes(name, a1, a2, a3));
    }

    @Override
    public java.sql.ResultSet getBestRowIdentifier(java.lang.String name, java.lang.String a1, java.lang.String a2, int a3, boolean a4) throws java.sql.SQLException {
        return resultSet(delegate().getBestRowIdentifier(name, a1, a2, a3, a4));
    }

    @Override
    public java.lang.String getCatalogSeparator() throws java.sql.SQLException {
        try {
            return delegate().getCatalogSeparator();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getCatalogTerm() throws java.sql.SQLException {
        try {
            return delegate().getCatalogTerm();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getCatalogs() throws java.sql.SQLException {
        return resultSet(delegate().getCatalogs());
    }

    @Override
    public java.sql.ResultSet getClientInfoProperties() throws java.sql.SQLException {
        return resultSet(delegate().getClientInfoProperties());
    }

    @Override
    public java.sql.ResultSet getColumnPrivileges(java.lang.String name, java.lang.String a1, java.lang.String a2, java.lang.String a3) throws java.sql.SQLException {
        return resultSet(delegate().getColumnPrivileges(name, a1, a2, a3));
    }

    @Override
    public java.sql.ResultSet getColumns(java.lang.String name, java.lang.String a1, java.lang.String a2, java.lang.String a3) throws java.sql.SQLException {
        return resultSet(delegate().getColumns(name, a1, a2, a3));
    }

    @Override
    public java.sql.Connection getConnection() throws java.sql.SQLException {
        try {
            return delegate().getConnection();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getCrossReference(java.lang.String name, java.lang.String a1, java.lang.String a2, java.lang.String a3, java.lang.String a4, java.lang.String a5) throws java.sql.SQLException {
        return resultSet(delegate().getCrossReference(name, a1, a2, a3, a4, a5));
    }

    @Override
    public int getDatabaseMajorVersion() throws java.sql.SQLException {
        try {
            return delegate().getDatabaseMajorVersion();
        } finally {
            done();
        }
    }

    @Override
    public int getDatabaseMinorVersion() throws java.sql.SQLException {
        try {
            return delegate().getDatabaseMinorVersion();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getDatabaseProductName() throws java.sql.SQLException {
        try {
            return delegate().getDatabaseProductName();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getDatabaseProductVersion() throws java.sql.SQLException {
        try {
            return delegate().getDatabaseProductVersion();
        } finally {
            done();
        }
    }

    @Override
    public int getDefaultTransactionIsolation() throws java.sql.SQLException {
        try {
            return delegate().getDefaultTransactionIsolation();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getDriverName() throws java.sql.SQLException {
        try {
            return delegate().getDriverName();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getDriverVersion() throws java.sql.SQLException {
        try {
            return delegate().getDriverVersion();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getExportedKeys(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getExportedKeys(name, a1, a2));
    }

    @Override
    public java.lang.String getExtraNameCharacters() throws java.sql.SQLException {
        try {
            return delegate().getExtraNameCharacters();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getFunctionColumns(java.lang.String name, java.lang.String a1, java.lang.String a2, java.lang.String a3) throws java.sql.SQLException {
        return resultSet(delegate().getFunctionColumns(name, a1, a2, a3));
    }

    @Override
    public java.sql.ResultSet getFunctions(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getFunctions(name, a1, a2));
    }

    @Override
    public java.lang.String getIdentifierQuoteString() throws java.sql.SQLException {
        try {
            return delegate().getIdentifierQuoteString();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getImportedKeys(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getImportedKeys(name, a1, a2));
    }

    @Override
    public java.sql.ResultSet getIndexInfo(java.lang.String name, java.lang.String a1, java.lang.String a2, boolean a3, boolean a4) throws java.sql.SQLException {
        return resultSet(delegate().getIndexInfo(name, a1, a2, a3, a4));
    }

    @Override
    public int getJDBCMajorVersion() throws java.sql.SQLException {
        try {
            return delegate().getJDBCMajorVersion();
        } finally {
            done();
        }
    }

    @Override
    public int getJDBCMinorVersion() throws java.sql.SQLException {
        try {
            return delegate().getJDBCMinorVersion();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxBinaryLiteralLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxBinaryLiteralLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxCatalogNameLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxCatalogNameLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxCharLiteralLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxCharLiteralLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxColumnNameLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxColumnNameLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxColumnsInGroupBy() throws java.sql.SQLException {
        try {
            return delegate().getMaxColumnsInGroupBy();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxColumnsInIndex() throws java.sql.SQLException {
        try {
            return delegate().getMaxColumnsInIndex();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxColumnsInOrderBy() throws java.sql.SQLException {
        try {
            return delegate().getMaxColumnsInOrderBy();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxColumnsInSelect() throws java.sql.SQLException {
        try {
            return delegate().getMaxColumnsInSelect();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxColumnsInTable() throws java.sql.SQLException {
        try {
            return delegate().getMaxColumnsInTable();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxConnections() throws java.sql.SQLException {
        try {
            return delegate().getMaxConnections();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxCursorNameLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxCursorNameLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxIndexLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxIndexLength();
        } finally {
            done();
        }
    }

    @Override
    public long getMaxLogicalLobSize() throws java.sql.SQLException {
        try {
            return delegate().getMaxLogicalLobSize();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxProcedureNameLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxProcedureNameLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxRowSize() throws java.sql.SQLException {
        try {
            return delegate().getMaxRowSize();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxSchemaNameLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxSchemaNameLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxStatementLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxStatementLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxStatements() throws java.sql.SQLException {
        try {
            return delegate().getMaxStatements();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxTableNameLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxTableNameLength();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxTablesInSelect() throws java.sql.SQLException {
        try {
            return delegate().getMaxTablesInSelect();
        } finally {
            done();
        }
    }

    @Override
    public int getMaxUserNameLength() throws java.sql.SQLException {
        try {
            return delegate().getMaxUserNameLength();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getNumericFunctions() throws java.sql.SQLException {
        try {
            return delegate().getNumericFunctions();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getPrimaryKeys(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getPrimaryKeys(name, a1, a2));
    }

    @Override
    public java.sql.ResultSet getProcedureColumns(java.lang.String name, java.lang.String a1, java.lang.String a2, java.lang.String a3) throws java.sql.SQLException {
        return resultSet(delegate().getProcedureColumns(name, a1, a2, a3));
    }

    @Override
    public java.lang.String getProcedureTerm() throws java.sql.SQLException {
        try {
            return delegate().getProcedureTerm();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getProcedures(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getProcedures(name, a1, a2));
    }

    @Override
    public java.sql.ResultSet getPseudoColumns(java.lang.String name, java.lang.String a1, java.lang.String a2, java.lang.String a3) throws java.sql.SQLException {
        return resultSet(delegate().getPseudoColumns(name, a1, a2, a3));
    }

    @Override
    public int getResultSetHoldability() throws java.sql.SQLException {
        try {
            return delegate().getResultSetHoldability();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.RowIdLifetime getRowIdLifetime() throws java.sql.SQLException {
        try {
            return delegate().getRowIdLifetime();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getSQLKeywords() throws java.sql.SQLException {
        try {
            return delegate().getSQLKeywords();
        } finally {
            done();
        }
    }

    @Override
    public int getSQLStateType() throws java.sql.SQLException {
        try {
            return delegate().getSQLStateType();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getSchemaTerm() throws java.sql.SQLException {
        try {
            return delegate().getSchemaTerm();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getSchemas() throws java.sql.SQLException {
        return resultSet(delegate().getSchemas());
    }

    @Override
    public java.sql.ResultSet getSchemas(java.lang.String name, java.lang.String a1) throws java.sql.SQLException {
        return resultSet(delegate().getSchemas(name, a1));
    }

    @Override
    public java.lang.String getSearchStringEscape() throws java.sql.SQLException {
        try {
            return delegate().getSearchStringEscape();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getStringFunctions() throws java.sql.SQLException {
        try {
            return delegate().getStringFunctions();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getSuperTables(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getSuperTables(name, a1, a2));
    }

    @Override
    public java.sql.ResultSet getSuperTypes(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getSuperTypes(name, a1, a2));
    }

    @Override
    public java.lang.String getSystemFunctions() throws java.sql.SQLException {
        try {
            return delegate().getSystemFunctions();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getTablePrivileges(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getTablePrivileges(name, a1, a2));
    }

    @Override
    public java.sql.ResultSet getTableTypes() throws java.sql.SQLException {
        return resultSet(delegate().getTableTypes());
    }

    @Override
    public java.sql.ResultSet getTables(java.lang.String name, java.lang.String a1, java.lang.String a2, java.lang.String[] a3) throws java.sql.SQLException {
        return resultSet(delegate().getTables(name, a1, a2, a3));
    }

    @Override
    public java.lang.String getTimeDateFunctions() throws java.sql.SQLException {
        try {
            return delegate().getTimeDateFunctions();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getTypeInfo() throws java.sql.SQLException {
        return resultSet(delegate().getTypeInfo());
    }

    @Override
    public java.sql.ResultSet getUDTs(java.lang.String name, java.lang.String a1, java.lang.String a2, int[] a3) throws java.sql.SQLException {
        return resultSet(delegate().getUDTs(name, a1, a2, a3));
    }

    @Override
    public java.lang.String getURL() throws java.sql.SQLException {
        try {
            return delegate().getURL();
        } finally {
            done();
        }
    }

    @Override
    public java.lang.String getUserName() throws java.sql.SQLException {
        try {
            return delegate().getUserName();
        } finally {
            done();
        }
    }

    @Override
    public java.sql.ResultSet getVersionColumns(java.lang.String name, java.lang.String a1, java.lang.String a2) throws java.sql.SQLException {
        return resultSet(delegate().getVersionColumns(name, a1, a2));
    }

    @Override
    public boolean insertsAreDetected(int value) throws java.sql.SQLException {
        try {
            return delegate().insertsAreDetected(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean isCatalogAtStart() throws java.sql.SQLException {
        try {
            return delegate().isCatalogAtStart();
        } finally {
            done();
        }
    }

    @Override
    public boolean isReadOnly() throws java.sql.SQLException {
        try {
            return delegate().isReadOnly();
        } finally {
            done();
        }
    }

    @Override
    public boolean locatorsUpdateCopy() throws java.sql.SQLException {
        try {
            return delegate().locatorsUpdateCopy();
        } finally {
            done();
        }
    }

    @Override
    public boolean nullPlusNonNullIsNull() throws java.sql.SQLException {
        try {
            return delegate().nullPlusNonNullIsNull();
        } finally {
            done();
        }
    }

    @Override
    public boolean nullsAreSortedAtEnd() throws java.sql.SQLException {
        try {
            return delegate().nullsAreSortedAtEnd();
        } finally {
            done();
        }
    }

    @Override
    public boolean nullsAreSortedAtStart() throws java.sql.SQLException {
        try {
            return delegate().nullsAreSortedAtStart();
        } finally {
            done();
        }
    }

    @Override
    public boolean nullsAreSortedHigh() throws java.sql.SQLException {
        try {
            return delegate().nullsAreSortedHigh();
        } finally {
            done();
        }
    }

    @Override
    public boolean nullsAreSortedLow() throws java.sql.SQLException {
        try {
            return delegate().nullsAreSortedLow();
        } finally {
            done();
        }
    }

    @Override
    public boolean othersDeletesAreVisible(int value) throws java.sql.SQLException {
        try {
            return delegate().othersDeletesAreVisible(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean othersInsertsAreVisible(int value) throws java.sql.SQLException {
        try {
            return delegate().othersInsertsAreVisible(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean othersUpdatesAreVisible(int value) throws java.sql.SQLException {
        try {
            return delegate().othersUpdatesAreVisible(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean ownDeletesAreVisible(int value) throws java.sql.SQLException {
        try {
            return delegate().ownDeletesAreVisible(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean ownInsertsAreVisible(int value) throws java.sql.SQLException {
        try {
            return delegate().ownInsertsAreVisible(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean ownUpdatesAreVisible(int value) throws java.sql.SQLException {
        try {
            return delegate().ownUpdatesAreVisible(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean storesLowerCaseIdentifiers() throws java.sql.SQLException {
        try {
            return delegate().storesLowerCaseIdentifiers();
        } finally {
            done();
        }
    }

    @Override
    public boolean storesLowerCaseQuotedIdentifiers() throws java.sql.SQLException {
        try {
            return delegate().storesLowerCaseQuotedIdentifiers();
        } finally {
            done();
        }
    }

    @Override
    public boolean storesMixedCaseIdentifiers() throws java.sql.SQLException {
        try {
            return delegate().storesMixedCaseIdentifiers();
        } finally {
            done();
        }
    }

    @Override
    public boolean storesMixedCaseQuotedIdentifiers() throws java.sql.SQLException {
        try {
            return delegate().storesMixedCaseQuotedIdentifiers();
        } finally {
            done();
        }
    }

    @Override
    public boolean storesUpperCaseIdentifiers() throws java.sql.SQLException {
        try {
            return delegate().storesUpperCaseIdentifiers();
        } finally {
            done();
        }
    }

    @Override
    public boolean storesUpperCaseQuotedIdentifiers() throws java.sql.SQLException {
        try {
            return delegate().storesUpperCaseQuotedIdentifiers();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsANSI92EntryLevelSQL() throws java.sql.SQLException {
        try {
            return delegate().supportsANSI92EntryLevelSQL();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsANSI92FullSQL() throws java.sql.SQLException {
        try {
            return delegate().supportsANSI92FullSQL();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsANSI92IntermediateSQL() throws java.sql.SQLException {
        try {
            return delegate().supportsANSI92IntermediateSQL();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsAlterTableWithAddColumn() throws java.sql.SQLException {
        try {
            return delegate().supportsAlterTableWithAddColumn();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsAlterTableWithDropColumn() throws java.sql.SQLException {
        try {
            return delegate().supportsAlterTableWithDropColumn();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsBatchUpdates() throws java.sql.SQLException {
        try {
            return delegate().supportsBatchUpdates();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsCatalogsInDataManipulation() throws java.sql.SQLException {
        try {
            return delegate().supportsCatalogsInDataManipulation();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsCatalogsInIndexDefinitions() throws java.sql.SQLException {
        try {
            return delegate().supportsCatalogsInIndexDefinitions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsCatalogsInPrivilegeDefinitions() throws java.sql.SQLException {
        try {
            return delegate().supportsCatalogsInPrivilegeDefinitions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsCatalogsInProcedureCalls() throws java.sql.SQLException {
        try {
            return delegate().supportsCatalogsInProcedureCalls();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsCatalogsInTableDefinitions() throws java.sql.SQLException {
        try {
            return delegate().supportsCatalogsInTableDefinitions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsColumnAliasing() throws java.sql.SQLException {
        try {
            return delegate().supportsColumnAliasing();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsConvert() throws java.sql.SQLException {
        try {
            return delegate().supportsConvert();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsConvert(int index, int a1) throws java.sql.SQLException {
        try {
            return delegate().supportsConvert(index, a1);
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsCoreSQLGrammar() throws java.sql.SQLException {
        try {
            return delegate().supportsCoreSQLGrammar();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsCorrelatedSubqueries() throws java.sql.SQLException {
        try {
            return delegate().supportsCorrelatedSubqueries();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsDataDefinitionAndDataManipulationTransactions() throws java.sql.SQLException {
        try {
            return delegate().supportsDataDefinitionAndDataManipulationTransactions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsDataManipulationTransactionsOnly() throws java.sql.SQLException {
        try {
            return delegate().supportsDataManipulationTransactionsOnly();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsDifferentTableCorrelationNames() throws java.sql.SQLException {
        try {
            return delegate().supportsDifferentTableCorrelationNames();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsExpressionsInOrderBy() throws java.sql.SQLException {
        try {
            return delegate().supportsExpressionsInOrderBy();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsExtendedSQLGrammar() throws java.sql.SQLException {
        try {
            return delegate().supportsExtendedSQLGrammar();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsFullOuterJoins() throws java.sql.SQLException {
        try {
            return delegate().supportsFullOuterJoins();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsGetGeneratedKeys() throws java.sql.SQLException {
        try {
            return delegate().supportsGetGeneratedKeys();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsGroupBy() throws java.sql.SQLException {
        try {
            return delegate().supportsGroupBy();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsGroupByBeyondSelect() throws java.sql.SQLException {
        try {
            return delegate().supportsGroupByBeyondSelect();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsGroupByUnrelated() throws java.sql.SQLException {
        try {
            return delegate().supportsGroupByUnrelated();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsIntegrityEnhancementFacility() throws java.sql.SQLException {
        try {
            return delegate().supportsIntegrityEnhancementFacility();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsLikeEscapeClause() throws java.sql.SQLException {
        try {
            return delegate().supportsLikeEscapeClause();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsLimitedOuterJoins() throws java.sql.SQLException {
        try {
            return delegate().supportsLimitedOuterJoins();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsMinimumSQLGrammar() throws java.sql.SQLException {
        try {
            return delegate().supportsMinimumSQLGrammar();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsMixedCaseIdentifiers() throws java.sql.SQLException {
        try {
            return delegate().supportsMixedCaseIdentifiers();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsMixedCaseQuotedIdentifiers() throws java.sql.SQLException {
        try {
            return delegate().supportsMixedCaseQuotedIdentifiers();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsMultipleOpenResults() throws java.sql.SQLException {
        try {
            return delegate().supportsMultipleOpenResults();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsMultipleResultSets() throws java.sql.SQLException {
        try {
            return delegate().supportsMultipleResultSets();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsMultipleTransactions() throws java.sql.SQLException {
        try {
            return delegate().supportsMultipleTransactions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsNamedParameters() throws java.sql.SQLException {
        try {
            return delegate().supportsNamedParameters();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsNonNullableColumns() throws java.sql.SQLException {
        try {
            return delegate().supportsNonNullableColumns();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsOpenCursorsAcrossCommit() throws java.sql.SQLException {
        try {
            return delegate().supportsOpenCursorsAcrossCommit();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsOpenCursorsAcrossRollback() throws java.sql.SQLException {
        try {
            return delegate().supportsOpenCursorsAcrossRollback();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsOpenStatementsAcrossCommit() throws java.sql.SQLException {
        try {
            return delegate().supportsOpenStatementsAcrossCommit();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsOpenStatementsAcrossRollback() throws java.sql.SQLException {
        try {
            return delegate().supportsOpenStatementsAcrossRollback();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsOrderByUnrelated() throws java.sql.SQLException {
        try {
            return delegate().supportsOrderByUnrelated();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsOuterJoins() throws java.sql.SQLException {
        try {
            return delegate().supportsOuterJoins();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsPositionedDelete() throws java.sql.SQLException {
        try {
            return delegate().supportsPositionedDelete();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsPositionedUpdate() throws java.sql.SQLException {
        try {
            return delegate().supportsPositionedUpdate();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsRefCursors() throws java.sql.SQLException {
        try {
            return delegate().supportsRefCursors();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsResultSetConcurrency(int index, int a1) throws java.sql.SQLException {
        try {
            return delegate().supportsResultSetConcurrency(index, a1);
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsResultSetHoldability(int value) throws java.sql.SQLException {
        try {
            return delegate().supportsResultSetHoldability(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsResultSetType(int value) throws java.sql.SQLException {
        try {
            return delegate().supportsResultSetType(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSavepoints() throws java.sql.SQLException {
        try {
            return delegate().supportsSavepoints();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSchemasInDataManipulation() throws java.sql.SQLException {
        try {
            return delegate().supportsSchemasInDataManipulation();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSchemasInIndexDefinitions() throws java.sql.SQLException {
        try {
            return delegate().supportsSchemasInIndexDefinitions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSchemasInPrivilegeDefinitions() throws java.sql.SQLException {
        try {
            return delegate().supportsSchemasInPrivilegeDefinitions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSchemasInProcedureCalls() throws java.sql.SQLException {
        try {
            return delegate().supportsSchemasInProcedureCalls();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSchemasInTableDefinitions() throws java.sql.SQLException {
        try {
            return delegate().supportsSchemasInTableDefinitions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSelectForUpdate() throws java.sql.SQLException {
        try {
            return delegate().supportsSelectForUpdate();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSharding() throws java.sql.SQLException {
        try {
            return delegate().supportsSharding();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsStatementPooling() throws java.sql.SQLException {
        try {
            return delegate().supportsStatementPooling();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsStoredFunctionsUsingCallSyntax() throws java.sql.SQLException {
        try {
            return delegate().supportsStoredFunctionsUsingCallSyntax();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsStoredProcedures() throws java.sql.SQLException {
        try {
            return delegate().supportsStoredProcedures();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSubqueriesInComparisons() throws java.sql.SQLException {
        try {
            return delegate().supportsSubqueriesInComparisons();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSubqueriesInExists() throws java.sql.SQLException {
        try {
            return delegate().supportsSubqueriesInExists();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSubqueriesInIns() throws java.sql.SQLException {
        try {
            return delegate().supportsSubqueriesInIns();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsSubqueriesInQuantifieds() throws java.sql.SQLException {
        try {
            return delegate().supportsSubqueriesInQuantifieds();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsTableCorrelationNames() throws java.sql.SQLException {
        try {
            return delegate().supportsTableCorrelationNames();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsTransactionIsolationLevel(int value) throws java.sql.SQLException {
        try {
            return delegate().supportsTransactionIsolationLevel(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsTransactions() throws java.sql.SQLException {
        try {
            return delegate().supportsTransactions();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsUnion() throws java.sql.SQLException {
        try {
            return delegate().supportsUnion();
        } finally {
            done();
        }
    }

    @Override
    public boolean supportsUnionAll() throws java.sql.SQLException {
        try {
            return delegate().supportsUnionAll();
        } finally {
            done();
        }
    }

    @Override
    public boolean updatesAreDetected(int value) throws java.sql.SQLException {
        try {
            return delegate().updatesAreDetected(value);
        } finally {
            done();
        }
    }

    @Override
    public boolean usesLocalFilePerTable() throws java.sql.SQLException {
        try {
            return delegate().usesLocalFilePerTable();
        } finally {
            done();
        }
    }

    @Override
    public boolean usesLocalFiles() throws java.sql.SQLException {
        try {
            return delegate().usesLocalFiles();
        } finally {
            done();
        }
    }

}
