package io.tenantroute.proxy.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tenantroute.config.PasswordRef;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The wire proxy's users file ({@code --users FILE}): who may connect to the proxy and where each one's password
 * comes from. Shared by the PostgreSQL and MySQL listeners; each derives its own protocol's credentials (SCRAM keys,
 * md5 hashes, MySQL digests) from {@link User#resolvePassword()} and keeps them itself.
 *
 * <pre>
 * users:
 *   - name: app
 *     password: env:APP_PW      # or file:/path — a reference, never a literal
 *     method: scram-sha-256     # optional; md5 also allowed
 * </pre>
 *
 * <p>Refused, with a {@link UsersFileException} naming the file, the line and the user but never a password: a
 * password that is not an {@link PasswordRef} reference ({@code env:NAME}, {@code file:/path}), a user without a
 * name, a name given twice, a user without a password, an unknown {@code method}, an unknown key, YAML that does not
 * parse (reported by line and column only, since a parser's message may quote the line).
 *
 * <p>Immutable and thread-safe once loaded. Passwords are resolved only when {@link User#resolvePassword()} is
 * called.
 */
public final class UsersFile {
    /** How a user authenticates. Absent in the file: the protocol's default (PostgreSQL: SCRAM-SHA-256). */
    public enum Method {
        /** SCRAM-SHA-256 (RFC 7677), PostgreSQL's default. */
        SCRAM_SHA_256("scram-sha-256"),
        /** PostgreSQL's md5 method. */
        MD5("md5");

        private final String configName;

        Method(String configName) {
            this.configName = configName;
        }

        /** @return the name in the users file, e.g. {@code scram-sha-256} */
        public String configName() {
            return configName;
        }

        static Optional<Method> of(String name) {
            for (Method m : values()) {
                if (m.configName.equals(name.toLowerCase(Locale.ROOT))) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }

        static String choices() {
            StringBuilder s = new StringBuilder();
            for (Method m : values()) {
                s.append(s.length() == 0 ? "" : ", ").append(m.configName);
            }
            return s.toString();
        }
    }

    /**
     * One user of the file.
     *
     * @param name the user name clients give
     * @param password where the password comes from (never {@link PasswordRef#NONE})
     * @param method the method the file names, empty for the protocol's default
     * @param line the line of the file the entry starts on (1-based), for messages
     * @param source the file, for messages
     */
    public record User(String name, PasswordRef password, Optional<Method> method, int line, String source) {
        /**
         * Reads the password now (environment variable or file).
         *
         * @return the password, not empty
         * @throws UsersFileException when the reference does not resolve or gives an empty password; the message
         *     names the user, the line and the variable or path
         */
        public String resolvePassword() throws UsersFileException {
            String pw;
            try {
                pw = password.resolveFor("user '" + name + "' (" + source + " line " + line + ")");
            } catch (SQLException e) {
                throw new UsersFileException(e.getMessage());
            }
            if (pw == null || pw.isEmpty()) {
                throw new UsersFileException("password of user '" + name + "' (" + source + " line " + line + ", "
                        + password + ") is empty");
            }
            return pw;
        }

        /** Name, method and line; the reference, never a password. */
        @Override
        public String toString() {
            return "User(" + name + ", " + method.map(Method::configName).orElse("default") + ", " + password + ", line " + line + ")";
        }
    }

    private final String source;
    private final Map<String, User> users;

    private UsersFile(String source, Map<String, User> users) {
        this.source = source;
        this.users = Collections.unmodifiableMap(users);
    }

    /**
     * Reads and checks the file; passwords are not resolved yet.
     *
     * @param file the YAML file
     * @return its users
     * @throws UsersFileException when unreadable or invalid (see the class comment)
     */
    public static UsersFile load(Path file) throws UsersFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsersFileException("users file " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")", e);
        }
        return parse(file.toString(), new StringReader(text));
    }

    /**
     * @param source a name for messages (the file's path)
     * @param yaml the YAML text
     * @return its users
     * @throws UsersFileException when invalid (see the class comment)
     */
    public static UsersFile parse(String source, Reader yaml) throws UsersFileException {
        Map<String, User> users = new LinkedHashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new UsersFileException("users file " + source + " is empty: it needs a 'users:' list");
            }
            if (t != JsonToken.START_OBJECT) {
                throw new UsersFileException(at(source, p) + ": expected 'users:' at the top");
            }
            boolean seen = false;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (!key.equals("users")) {
                    throw new UsersFileException(at(source, p) + ": unknown key '" + key + "' (only 'users' is allowed)");
                }
                seen = true;
                t = p.nextToken();
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                if (t != JsonToken.START_ARRAY) {
                    throw new UsersFileException(at(source, p) + ": 'users' must be a list");
                }
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        throw new UsersFileException(at(source, p) + ": each user must be a mapping with name and password");
                    }
                    User u = user(source, p);
                    User before = users.get(u.name());
                    if (before != null) {
                        throw new UsersFileException("users file " + source + " line " + u.line() + ": user '" + u.name()
                                + "' is defined twice (first at line " + before.line() + ")");
                    }
                    users.put(u.name(), u);
                }
            }
            if (!seen) {
                throw new UsersFileException("users file " + source + ": expected 'users:' at the top");
            }
        } catch (JsonProcessingException e) {
            // The parser's own message can quote the offending line, which may hold a password: say where only.
            JsonLocation l = e.getLocation();
            throw new UsersFileException("users file " + source + " is not valid YAML"
                    + (l == null ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UsersFileException("users file " + source + ": cannot read it (" + e.getClass().getSimpleName() + ")", e);
        }
        return new UsersFile(source, users);
    }

    private static String at(String source, JsonParser p) {
        return "users file " + source + " line " + p.currentTokenLocation().getLineNr();
    }

    private static User user(String source, JsonParser p) throws IOException, UsersFileException {
        int line = p.currentTokenLocation().getLineNr();
        String name = null;
        PasswordRef password = null;
        int passwordLine = line;
        boolean passwordLiteral = false;
        Optional<Method> method = Optional.empty();
        String badMethod = null;
        int methodLine = line;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            t = p.nextToken();
            int keyLine = p.currentTokenLocation().getLineNr();
            switch (key) {
                case "name":
                    if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
                        throw new UsersFileException("users file " + source + " line " + keyLine + ": 'name' must be a string");
                    }
                    name = p.getText();
                    break;
                case "password":
                    passwordLine = keyLine;
                    if (t == JsonToken.VALUE_STRING) {
                        try {
                            password = PasswordRef.parse(p.getText());
                        } catch (IllegalArgumentException e) {
                            passwordLiteral = true;
                        }
                    } else if (t == JsonToken.VALUE_NULL) {
                        password = PasswordRef.NONE;
                    } else if (t.isScalarValue()) {
                        passwordLiteral = true; // a number or boolean: a literal all the same
                    } else {
                        p.skipChildren();
                        passwordLiteral = true;
                    }
                    break;
                case "method":
                    methodLine = keyLine;
                    if (t != JsonToken.VALUE_STRING) {
                        if (!t.isScalarValue()) {
                            p.skipChildren();
                        }
                        badMethod = t == JsonToken.VALUE_NULL ? "null" : "a non-string";
                    } else {
                        method = Method.of(p.getText());
                        if (method.isEmpty()) {
                            badMethod = "'" + p.getText() + "'";
                        }
                    }
                    break;
                default:
                    if (!t.isScalarValue()) {
                        p.skipChildren();
                    }
                    throw new UsersFileException("users file " + source + " line " + keyLine + ": unknown key '" + key
                            + "' for a user (allowed: name, password, method)");
            }
        }
        if (name == null || name.isBlank()) {
            throw new UsersFileException("users file " + source + " line " + line + ": a user without a name");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new UsersFileException("users file " + source + " line " + line + ": the name of a user contains a control character");
            }
        }
        if (passwordLiteral) {
            throw new UsersFileException("users file " + source + " line " + passwordLine + ": the password of user '" + name
                    + "' must be a reference, env:NAME or file:/path, not the password itself");
        }
        if (password == null || password.isNone()) {
            throw new UsersFileException("users file " + source + " line " + passwordLine + ": user '" + name
                    + "' needs a password reference (password: env:NAME or file:/path)");
        }
        if (badMethod != null) {
            throw new UsersFileException("users file " + source + " line " + methodLine + ": method " + badMethod + " of user '"
                    + name + "' is not one of " + Method.choices());
        }
        return new User(name, password, method, line, source);
    }

    /** @return the file's name as given, for messages */
    public String source() {
        return source;
    }

    /** @return the users in file order */
    public List<User> users() {
        return new ArrayList<>(users.values());
    }

    /** @return the user of that exact name (case-sensitive, as PostgreSQL role names given quoted) */
    public Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    @Override
    public String toString() {
        return "UsersFile(" + source + ", " + users.size() + " users)";
    }
}
