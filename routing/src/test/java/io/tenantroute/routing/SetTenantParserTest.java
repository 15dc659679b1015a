package io.tenantroute.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SetTenantParserTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "SET tenantroute.tenant = 'acme' | acme",
            "set TENANTROUTE.TENANT='acme'; | acme",
            "  SET SESSION tenantroute.tenant TO 'acme'   | acme",
            "SET tenantroute.tenant = 'o''brien; drop table t' | o'brien; drop table t",
            "SET @tenantroute_tenant = 'acme' | acme",
            "SET @tenantroute_tenant := 'a\\'b' | a'b",
            "SET @tenantroute_tenant = \"dq\" | dq",
            "SET tenantroute.tenant = '' | ''",
            "SET @tenantroute_tenant = 3 | 3",
            "SET @tenantroute_tenant = 3.0; | 3",
            "SET @tenantroute_tenant := -12 | -12",
            "SET @tenantroute_tenant = '3' | 3",
            "SET tenantroute.tenant = 42 | 42",
            "SET tenantroute.tenant TO 2.50 | 2.5",
            "SET tenantroute.tenant =  E'ac''me\\\\1' | ac'me\\1",
            "SET tenantroute.tenant = e'a\\'b\\x41\\101\\u00e9' | a'bAAé",
    })
    void setStatements_yieldTheLiteral(String sql, String tenant) {
        SetTenantParser.SetTenant st = SetTenantParser.parse(sql);
        assertEquals(tenant.equals("''") ? "" : tenant, st.tenant());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"RESET tenantroute.tenant", "SET tenantroute.tenant = DEFAULT", "SET tenantroute.tenant TO default;",
            "SET @tenantroute_tenant = NULL", "reset  tenantroute.tenant ;"})
    void resetForms_clear(String sql) {
        assertTrue(SetTenantParser.parse(sql).clears());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SELECT 1", "SET search_path = x", "SET tenantroute.tenantx = 'a'", "SET @tenantroute_tenant_2 = 'a'",
            "RESET ALL", "UPDATE t SET tenantroute.tenant = 'a'", "SETTINGS", "RESET tenantroute.tenant, x",
            "SET LOCAL statement_timeout = 5"})
    void otherStatements_areNotIntercepted(String sql) {
        assertNull(SetTenantParser.parse(sql));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SET tenantroute.tenant = acme", "SET tenantroute.tenant = 'acme", "SET tenantroute.tenant = 'a'; SELECT 1",
            "SET tenantroute.tenant 'a'", "SET tenantroute.tenant = 'a' || 'b'", "SET @tenantroute_tenant = 3 + 1",
            "SET @tenantroute_tenant = 1.2.3", "SET LOCAL tenantroute.tenant = 'a'", "SET @tenantroute_tenant = 3 ; SELECT 1"})
    void malformedTenantStatements_areRefused(String sql) {
        assertThrows(IllegalArgumentException.class, () -> SetTenantParser.parse(sql));
    }
}
