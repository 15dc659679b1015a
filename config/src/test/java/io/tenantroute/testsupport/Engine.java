package io.tenantroute.testsupport;

/** The database engines every suite runs on. */
public enum Engine {
    POSTGRESQL("TENANTROUTE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres"),
    MYSQL("TENANTROUTE_TEST_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/?user=root");

    private final String envVar;
    private final String example;

    Engine(String envVar, String example) {
        this.envVar = envVar;
        this.example = example;
    }

    /** @return the environment variable that names an existing server's admin URL */
    public String envVar() {
        return envVar;
    }

    /** @return an example value of {@link #envVar()} */
    public String example() {
        return example;
    }
}
