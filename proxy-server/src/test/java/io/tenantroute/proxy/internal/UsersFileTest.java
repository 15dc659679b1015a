package io.tenantroute.proxy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tenantroute.config.PasswordRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {
    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    UsersFileException refused(String yaml) throws IOException {
        Path f = write("users.yaml", yaml);
        return assertThrows(UsersFileException.class, () -> UsersFile.load(f));
    }

    @Test
    void validFile_usersInOrder_passwordsResolvedOnlyWhenAsked() throws Exception {
        Path pw = write("app.pw", "s3cret\n");
        Path f = write("users.yaml", "users:\n"
                + "  - name: app\n"
                + "    password: file:" + pw + "\n"
                + "  - name: reporting\n"
                + "    password: env:TR_USERS_TEST_SURELY_UNSET\n"
                + "    method: md5\n"
                + "  - name: batch\n"
                + "    password: \"file:" + pw + "\"\n"
                + "    method: SCRAM-SHA-256\n");
        UsersFile users = UsersFile.load(f);
        assertEquals(List.of("app", "reporting", "batch"), users.users().stream().map(UsersFile.User::name).toList());
        UsersFile.User app = users.user("app").orElseThrow();
        assertEquals(Optional.empty(), app.method());
        assertEquals(2, app.line());
        assertEquals("s3cret", app.resolvePassword(), "one trailing newline stripped");
        assertEquals(Optional.of(UsersFile.Method.MD5), users.user("reporting").orElseThrow().method());
        assertEquals(Optional.of(UsersFile.Method.SCRAM_SHA_256), users.user("batch").orElseThrow().method());
        assertEquals(PasswordRef.parse("env:TR_USERS_TEST_SURELY_UNSET"), users.user("reporting").orElseThrow().password());
        assertTrue(users.user("App").isEmpty(), "names are case-sensitive");
        // The unset variable fails only when the password is needed, naming user, line and variable.
        UsersFileException e = assertThrows(UsersFileException.class, () -> users.user("reporting").orElseThrow().resolvePassword());
        assertEquals("password of user 'reporting' (" + f + " line 4): environment variable TR_USERS_TEST_SURELY_UNSET is not set",
                e.getMessage());
        assertFalse(app.toString().contains("s3cret"));
    }

    @Test
    void literalPassword_refusedWithoutEchoingIt() throws IOException {
        UsersFileException e = refused("users:\n  - name: app\n    password: hunter2-literal\n");
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("user 'app'"), e.getMessage());
        assertTrue(e.getMessage().contains("must be a reference"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        UsersFileException n = refused("users:\n  - name: app\n    password: 12345678\n");
        assertFalse(n.getMessage().contains("12345678"), n.getMessage());
        assertTrue(n.getMessage().contains("must be a reference"));
    }

    @Test
    void duplicateName_namesBothLines() throws IOException {
        UsersFileException e = refused("users:\n  - name: app\n    password: env:A\n  - name: app\n    password: env:B\n");
        assertEquals("users file " + dir.resolve("users.yaml") + " line 4: user 'app' is defined twice (first at line 2)", e.getMessage());
    }

    @Test
    void missingNameOrPassword_unknownMethodOrKey_refused() throws IOException {
        assertTrue(refused("users:\n  - password: env:A\n").getMessage().endsWith("line 2: a user without a name"));
        assertTrue(refused("users:\n  - name: app\n").getMessage().contains("user 'app' needs a password reference"));
        UsersFileException m = refused("users:\n  - name: app\n    password: env:A\n    method: sha1\n");
        assertTrue(m.getMessage().endsWith("line 4: method 'sha1' of user 'app' is not one of scram-sha-256, md5"), m.getMessage());
        UsersFileException k = refused("users:\n  - name: app\n    pasword: hunter2\n");
        assertTrue(k.getMessage().contains("unknown key 'pasword'"), k.getMessage());
        assertFalse(k.getMessage().contains("hunter2"));
        assertTrue(refused("userz:\n  - name: app\n").getMessage().contains("unknown key 'userz'"));
        assertTrue(refused("users: app\n").getMessage().contains("'users' must be a list"));
        assertTrue(refused("").getMessage().contains("is empty"));
    }

    @Test
    void invalidYaml_reportsLineNotContent() throws IOException {
        UsersFileException e = refused("users:\n  - name: app\n    password: \"hunter2\n   - oops: [\n");
        assertTrue(e.getMessage().contains("is not valid YAML"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void emptyPasswordFile_refusedWhenResolved() throws Exception {
        Path pw = write("empty.pw", "\n");
        UsersFile users = UsersFile.load(write("users.yaml", "users:\n  - name: app\n    password: file:" + pw + "\n"));
        UsersFileException e = assertThrows(UsersFileException.class, () -> users.user("app").orElseThrow().resolvePassword());
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }

    @Test
    void unreadableFile_refused() {
        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.load(dir.resolve("missing.yaml")));
        assertTrue(e.getMessage().contains("cannot read it"), e.getMessage());
    }
}
