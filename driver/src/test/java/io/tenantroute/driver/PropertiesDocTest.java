package io.tenantroute.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/properties.md} is generated from {@link TenantRouteProperty}, the single source of truth. This test
 * fails when the committed file differs; run it with {@code -Dtenantroute.docs.write=true} to rewrite the file.
 */
class PropertiesDocTest {
    private static final Path DOC = Path.of("..", "docs", "properties.md");

    static String render() {
        StringBuilder b = new StringBuilder();
        b.append("# `jdbc:tenantroute:` connection properties\n\n");
        b.append("<!-- Generated from io.tenantroute.driver.TenantRouteProperty by PropertiesDocTest; do not edit by hand. -->\n\n");
        b.append("Set them in the URL query (`jdbc:tenantroute:postgresql://db/app?tenantroute.tenant=acme`) or in the ")
                .append("connection properties (which win). Every property starting with `tenantroute.` is the driver's own and never ")
                .append("reaches the vendor driver; all other properties (`user`, `password`, `sslmode`, …) pass through unchanged.\n\n");
        b.append("| Property | Default | Values | Description |\n");
        b.append("|---|---|---|---|\n");
        for (TenantRouteProperty p : TenantRouteProperty.values()) {
            b.append("| `").append(p.propertyName()).append("` | ")
                    .append(p.defaultValue() == null ? "—" : "`" + p.defaultValue() + "`").append(" | ")
                    .append(p.choices().isEmpty() ? "" : "`" + String.join("`, `", p.choices()) + "`").append(" | ")
                    .append(p.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    @Test
    void docsPropertiesMd_matchesTheEnum() throws Exception {
        String expected = render();
        if (Boolean.getBoolean("tenantroute.docs.write")) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, expected, StandardCharsets.UTF_8);
        }
        String actual = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "(missing)";
        assertEquals(expected, actual, "docs/properties.md is out of date: run mvn -pl driver -am test "
                + "-Dtest=PropertiesDocTest -Dsurefire.failIfNoSpecifiedTests=false -Dtenantroute.docs.write=true");
    }
}
