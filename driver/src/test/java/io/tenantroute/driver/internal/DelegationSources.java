package io.tenantroute.driver.internal;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes the plain delegation bases ({@code Delegating*.java}) in {@code io.tenantroute.driver.internal}: one
 * method per JDBC interface method, each a direct call on the delegate — source code, no proxies. The
 * interesting behaviour lives in the hand-written subclasses. Run from the repository root when a JDBC
 * version adds methods: {@code java driver/src/test/java/io/tenantroute/driver/internal/DelegationSources.java}.
 */
public final class DelegationSources {
    private static final Path DIR = Path.of("driver/src/main/java/io/tenantroute/driver/internal");

    public static void main(String[] args) throws IOException {
        write(ResultSet.class, "DelegatingResultSet", Mode.PLAIN);
        write(DatabaseMetaData.class, "DelegatingDatabaseMetaData", Mode.METADATA);
        write(PreparedStatement.class, "RecordingPreparedStatementSetters", Mode.PS_SETTERS);
        write(CallableStatement.class, "RecordingCallableStatementMethods", Mode.CS);
    }

    private enum Mode { PLAIN, METADATA, PS_SETTERS, CS }

    private static void write(Class<?> iface, String name, Mode mode) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("package io.tenantroute.driver.internal;\n\n");
        b.append("// Written by DelegationSources (src/test); plain delegation, the behaviour lives in subclasses.\n\n");
        List<Method> methods = Arrays.stream(iface.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> !m.getName().equals("unwrap") && !m.getName().equals("isWrapperFor"))
                .filter(m -> select(mode, m))
                .filter(m -> mode != Mode.METADATA || m.getExceptionTypes().length > 0)
                .sorted(Comparator.comparing(Method::getName).thenComparing(m -> Arrays.toString(m.getParameterTypes())))
                .collect(Collectors.toList());
        switch (mode) {
            case PLAIN:
                b.append("/** Delegates every {@link java.sql.").append(iface.getSimpleName()).append("} method to {@link #delegate()}. */\n");
                b.append("@SuppressWarnings({\"deprecation\", \"removal\"})\n");
                b.append("abstract class ").append(name).append(" extends JdbcWrapper implements java.sql.").append(iface.getSimpleName()).append(" {\n");
                b.append("    /** @return the physical object; never null */\n    protected abstract java.sql.").append(iface.getSimpleName()).append(" delegate() throws java.sql.SQLException;\n\n");
                b.append("    @Override\n    protected final Object wrapped() throws java.sql.SQLException {\n        return delegate();\n    }\n\n");
                break;
            case METADATA:
                b.append("/** Delegates every {@link java.sql.DatabaseMetaData} method to {@link #delegate()}; result sets pass {@link #resultSet}, other calls end with {@link #done()}. */\n");
                b.append("abstract class ").append(name).append(" extends JdbcWrapper implements java.sql.DatabaseMetaData {\n");
                b.append("    /** @return the physical metadata of a connection borrowed for this call */\n    protected abstract java.sql.DatabaseMetaData delegate() throws java.sql.SQLException;\n\n");
                b.append("    /** Wraps a result set so that the borrowed connection goes back when it closes. */\n    protected abstract java.sql.ResultSet resultSet(java.sql.ResultSet rs) throws java.sql.SQLException;\n\n");
                b.append("    /** Ends a call that returned no result set. */\n    protected abstract void done() throws java.sql.SQLException;\n\n");
                b.append("    @Override\n    protected final Object wrapped() throws java.sql.SQLException {\n        return delegate();\n    }\n\n");
                break;
            case PS_SETTERS:
                b.append("/** Records every indexed {@code set…} of {@link java.sql.PreparedStatement} through {@link #bind}, for replay on a new physical statement. */\n");
                b.append("@SuppressWarnings({\"deprecation\", \"removal\"})\n");
                b.append("abstract class ").append(name).append(" extends LogicalStatement implements java.sql.PreparedStatement {\n");
                b.append("    ").append(name).append("(LogicalConnection connection, StatementSettings settings) {\n        super(connection, settings);\n    }\n\n");
                b.append("    /** Records parameter {@code index} (1-based) with its value (for tenant inference) and how to set it. */\n");
                b.append("    protected abstract void bind(int index, Object value, Binder binder) throws java.sql.SQLException;\n\n");
                break;
            case CS:
                b.append("/** {@link java.sql.CallableStatement}: named {@code set…} and {@code registerOutParameter} are recorded, getters read the physical statement. */\n");
                b.append("@SuppressWarnings({\"deprecation\", \"removal\"})\n");
                b.append("abstract class ").append(name).append(" extends LogicalPreparedStatement implements java.sql.CallableStatement {\n");
                b.append("    ").append(name).append("(LogicalConnection connection, StatementSettings settings, String sql) throws java.sql.SQLException {\n        super(connection, settings, sql, true);\n    }\n\n");
                b.append("    /** @return the physical callable statement of the last execution */\n    protected abstract java.sql.CallableStatement executed() throws java.sql.SQLException;\n\n");
                b.append("    /** Records an out-parameter registration or a named parameter. */\n    protected abstract void record(String key, Binder binder) throws java.sql.SQLException;\n\n");
                break;
        }
        for (Method m : methods) {
            method(b, m, mode);
        }
        b.append("}\n");
        Files.writeString(DIR.resolve(name + ".java"), b.toString());
    }

    private static boolean select(Mode mode, Method m) {
        switch (mode) {
            case PS_SETTERS:
                return m.getDeclaringClass() == PreparedStatement.class && m.getName().startsWith("set")
                        && m.getParameterCount() >= 2 && m.getParameterTypes()[0] == int.class;
            case CS:
                return m.getDeclaringClass() == CallableStatement.class;
            default:
                return true;
        }
    }

    private static void method(StringBuilder b, Method m, Mode mode) {
        String ret = type(m.getGenericReturnType());
        Type[] ps = m.getGenericParameterTypes();
        StringBuilder params = new StringBuilder();
        StringBuilder argNames = new StringBuilder();
        for (int i = 0; i < ps.length; i++) {
            if (i > 0) {
                params.append(", ");
                argNames.append(", ");
            }
            String n = ps.length == 1 ? "value" : (i == 0 && ps[0] == int.class ? "index" : (i == 0 && ps[0] == String.class ? "name" : "a" + i));
            params.append(type(ps[i])).append(' ').append(n);
            argNames.append(n);
        }
        String tps = "";
        TypeVariable<Method>[] tv = m.getTypeParameters();
        if (tv.length > 0) {
            tps = "<" + Arrays.stream(tv).map(TypeVariable::getName).collect(Collectors.joining(", ")) + "> ";
        }
        String exc = m.getExceptionTypes().length == 0 ? "" : " throws " + Arrays.stream(m.getExceptionTypes())
                .map(Class::getName).collect(Collectors.joining(", "));
        b.append("    @Override\n    public ").append(tps).append(ret).append(' ').append(m.getName()).append('(').append(params).append(')').append(exc).append(" {\n");
        String call = m.getName() + "(" + argNames + ")";
        boolean isVoid = m.getReturnType() == void.class;
        switch (mode) {
            case PLAIN:
                b.append("        ").append(isVoid ? "" : "return ").append("delegate().").append(call).append(";\n");
                break;
            case METADATA:
                if (m.getReturnType() == java.sql.ResultSet.class) {
                    b.append("        return resultSet(delegate().").append(call).append(");\n");
                } else {
                    b.append("        try {\n            ").append(isVoid ? "" : "return ").append("delegate().").append(call).append(";\n        } finally {\n            done();\n        }\n");
                }
                break;
            case PS_SETTERS: {
                String value = ps.length >= 2 && !m.getName().equals("setNull") ? "a1" : "null";
                b.append("        bind(index, ").append(value).append(", ps -> ps.").append(call).append(");\n");
                break;
            }
            case CS:
                if (m.getName().startsWith("set") || m.getName().startsWith("registerOut")) {
                    String key = m.getName().startsWith("set") ? "\"set:\" + name" : "\"out:\" + " + (ps[0] == int.class ? "index" : "name");
                    b.append("        record(").append(key).append(", ps -> ((java.sql.CallableStatement) ps).").append(call).append(");\n");
                } else {
                    b.append("        ").append(isVoid ? "" : "return ").append("executed().").append(call).append(";\n");
                }
                break;
        }
        b.append("    }\n\n");
    }

    private static String type(Type t) {
        return t.getTypeName().replace('$', '.');
    }
}
