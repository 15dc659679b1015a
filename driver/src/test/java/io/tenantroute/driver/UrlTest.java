package io.tenantroute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.util.Arrays;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlTest {
    private final TenantRouteDriver driver = new TenantRouteDriver();

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:tenantroute:postgresql://localhost:5432/app | true",
            "jdbc:tenantroute:mysql://localhost:3306/app?user=root | true",
            "jdbc:tenantroute:mariadb://localhost/app | true",
            "jdbc:tenantroute:postgresql:app | true",
            "jdbc:postgresql://localhost:5432/app | false",
            "jdbc:mysql://localhost:3306/app | false",
            "jdbc:tenantroute: | false",
            "jdbc:tenantroute:postgresql | false",
            "jdbc:TENANTROUTE:postgresql://localhost/app | false",
            "tenantroute:postgresql://localhost/app | false",
            "jdbc:p6spy:tenantroute:postgresql://localhost/app | false",
    })
    void acceptsOnlyTenantRouteUrls(String url, boolean accepted) throws Exception {
        assertEquals(accepted, driver.acceptsURL(url));
        if (!accepted) {
            assertNull(driver.connect(url, null), "connect() must return null for a URL that is not ours");
        }
    }

    @Test
    void nullUrl_isRejected() throws Exception {
        assertEquals(false, driver.acceptsURL(null));
        assertNull(driver.connect(null, null));
    }

    @Test
    void registeredWithDriverManagerAndServiceFile() throws Exception {
        assertTrue(TenantRouteDriver.isRegistered());
        Driver d = DriverManager.getDriver("jdbc:tenantroute:postgresql://localhost/app");
        assertTrue(d instanceof TenantRouteDriver);
        assertTrue(ServiceLoader.load(Driver.class).stream().anyMatch(p -> p.type() == TenantRouteDriver.class));
    }

    @Test
    void propertyInfo_listsEveryTenantRouteProperty() throws Exception {
        DriverPropertyInfo[] info = driver.getPropertyInfo("jdbc:tenantroute:postgresql://localhost/app", null);
        Set<String> names = Arrays.stream(info).map(i -> i.name).collect(Collectors.toSet());
        for (TenantRouteProperty p : TenantRouteProperty.values()) {
            assertTrue(names.contains(p.propertyName()), p.propertyName());
        }
        DriverPropertyInfo refresh = Arrays.stream(info).filter(i -> i.name.equals("tenantroute.map-refresh-ms")).findFirst().orElseThrow();
        assertEquals("250", refresh.value);
        DriverPropertyInfo policy = Arrays.stream(info).filter(i -> i.name.equals("tenantroute.routing-policy")).findFirst().orElseThrow();
        assertEquals(Set.of("lenient", "strict"), Set.of(policy.choices));
    }
}
