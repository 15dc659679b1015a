package io.tenantroute.driver.spring;

import io.tenantroute.driver.TenantRouteDriver;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets a Spring Boot app switch to TenantRoute by changing only {@code spring.datasource.url}.
 *
 * <p>Spring Boot 3 picks the JDBC driver class from the URL prefix with its own list of known databases
 * ({@code org.springframework.boot.jdbc.DatabaseDriver#fromJdbcUrl}) and fails with "Failed to determine a suitable
 * driver class" for a prefix it does not know, before HikariCP could find our driver through
 * {@code java.sql.DriverManager}. This post-processor, registered in {@code META-INF/spring.factories} and run by
 * Boot while it prepares the environment, adds {@code spring.datasource.driver-class-name =
 * io.tenantroute.driver.TenantRouteDriver} as a lowest-precedence default when the URL starts with
 * {@code jdbc:tenantroute:} and the app named no driver class itself.
 *
 * <p>Spring Boot is not a dependency of the driver: without it on the class path this class is never loaded.
 * Thread-safety: Boot calls it once per application start.
 */
public final class SpringBootSupport implements EnvironmentPostProcessor {
    static final String URL = "spring.datasource.url";
    static final String DRIVER_CLASS = "spring.datasource.driver-class-name";

    /**
     * @param environment the environment Boot is preparing
     * @param application the application (unused)
     */
    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty(URL);
        if (url != null && url.startsWith(TenantRouteDriver.URL_PREFIX) && !environment.containsProperty(DRIVER_CLASS)) {
            environment.getPropertySources().addLast(
                    new MapPropertySource("tenantroute-driver", Map.of(DRIVER_CLASS, TenantRouteDriver.class.getName())));
        }
    }
}
