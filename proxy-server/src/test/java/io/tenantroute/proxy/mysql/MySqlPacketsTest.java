package io.tenantroute.proxy.mysql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tenantroute.testsupport.Engine;
import io.tenantroute.testsupport.TestDatabases;
import java.io.InputStream;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MySqlPacketsTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    static String[] hostPort() {
        Matcher m = Pattern.compile("jdbc:(?:mysql|mariadb)://([^:/?]+):?(\\d*)").matcher(TestDatabases.server(Engine.MYSQL).adminUrl());
        assertTrue(m.find());
        return new String[] {m.group(1), m.group(2).isEmpty() ? "3306" : m.group(2)};
    }

    @Test
    void realServerGreeting_parses() throws Exception {
        String[] hp = hostPort();
        byte[] payload;
        try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
            InputStream in = s.getInputStream();
            byte[] header = in.readNBytes(4);
            int len = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
            assertEquals(0, header[3]);
            payload = in.readNBytes(len);
        }
        HandshakeV10 h = HandshakeV10.parse(Unpooled.wrappedBuffer(payload));
        String version;
        long connections;
        try (Connection c = TestDatabases.server(Engine.MYSQL).admin(); ResultSet rs = c.createStatement().executeQuery("SELECT VERSION()")) {
            rs.next();
            version = rs.getString(1);
        }
        assertTrue(h.serverVersion().endsWith(version), h.serverVersion() + " vs " + version);
        assertTrue(h.isMariaDb());
        assertEquals(20, h.authPluginData().length);
        assertEquals(MySqlNativePassword.PLUGIN_NAME, h.authPluginName());
        assertTrue(MySqlCapabilities.has(h.capabilities(), MySqlCapabilities.CLIENT_PROTOCOL_41
                | MySqlCapabilities.CLIENT_PLUGIN_AUTH | MySqlCapabilities.CLIENT_DEPRECATE_EOF));
        // MariaDB 10.2+ clears CLIENT_MYSQL and announces extended capabilities in the third word
        assertFalse(MySqlCapabilities.has(h.capabilities(), MySqlCapabilities.CLIENT_MYSQL));
        assertTrue(MySqlCapabilities.has(h.capabilities(), MySqlCapabilities.MARIADB_CLIENT_STMT_BULK_OPERATIONS));
        assertTrue(h.connectionId() > 0);
        // written back, it parses to the same
        ByteBuf again = h.toPayload(alloc);
        HandshakeV10 h2 = HandshakeV10.parse(again);
        again.release();
        assertEquals(h.serverVersion(), h2.serverVersion());
        assertEquals(h.capabilities(), h2.capabilities());
        assertArrayEquals(h.authPluginData(), h2.authPluginData());
        assertEquals(h.charset(), h2.charset());
        assertEquals(h.statusFlags(), h2.statusFlags());
        assertEquals(h.connectionId(), h2.connectionId());
    }

    @Test
    void handshakeResponse_roundTripsInEveryAuthResponseForm() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("_client_name", "libmariadb");
        attrs.put(MySqlClientLogin.TENANT_ATTRIBUTE, "acme");
        byte[] auth = new byte[20];
        for (int i = 0; i < 20; i++) {
            auth[i] = (byte) (200 + i);
        }
        long base = MySqlCapabilities.CLIENT_LONG_PASSWORD | MySqlCapabilities.CLIENT_PROTOCOL_41
                | MySqlCapabilities.CLIENT_PLUGIN_AUTH | MySqlCapabilities.CLIENT_CONNECT_WITH_DB
                | MySqlCapabilities.CLIENT_CONNECT_ATTRS;
        for (long form : new long[] {MySqlCapabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | MySqlCapabilities.CLIENT_SECURE_CONNECTION,
                MySqlCapabilities.CLIENT_SECURE_CONNECTION}) {
            HandshakeResponse41 r = new HandshakeResponse41(base | form, 1 << 24, 45, "app", auth, "shop",
                    CachingSha2Password.PLUGIN_NAME, attrs);
            ByteBuf b = r.toPayload(alloc);
            assertFalse(HandshakeResponse41.isSslRequest(b));
            HandshakeResponse41 p = HandshakeResponse41.parse(b);
            b.release();
            assertEquals("app", p.username());
            assertArrayEquals(auth, p.authResponse());
            assertEquals("shop", p.database());
            assertEquals(CachingSha2Password.PLUGIN_NAME, p.authPluginName());
            assertEquals(attrs, p.connectAttributes());
            assertEquals(List.copyOf(attrs.keySet()), List.copyOf(p.connectAttributes().keySet()));
            assertEquals(45, p.charset());
            assertEquals(r.capabilities(), p.capabilities());
        }
        // NUL-terminated form (neither SECURE_CONNECTION nor LENENC): no database, no plugin
        HandshakeResponse41 old = new HandshakeResponse41(MySqlCapabilities.CLIENT_PROTOCOL_41 | MySqlCapabilities.CLIENT_LONG_PASSWORD,
                1024, 8, "u", "abc".getBytes(), null, null, Map.of());
        ByteBuf b = old.toPayload(alloc);
        HandshakeResponse41 p = HandshakeResponse41.parse(b);
        b.release();
        assertArrayEquals("abc".getBytes(), p.authResponse());
        assertNull(p.database());
        assertNull(p.authPluginName());
    }

    @Test
    void sslRequest_isRecognisedByLengthAndFlag() {
        ByteBuf b = HandshakeResponse41.sslRequest(alloc, MySqlCapabilities.CONNECTOR_BASE, 1 << 24, 45);
        assertEquals(32, b.readableBytes());
        assertTrue(HandshakeResponse41.isSslRequest(b));
        b.release();
    }

    @Test
    void malformedHandshakeResponses_areBadHandshake() {
        for (byte[] bad : new byte[][] {{}, {0x00, 0x02, 0, 0}, new byte[40],
                // PROTOCOL_41 + LENENC, user "a", auth length 0xFC 0xFF 0xFF → far beyond the packet
                withHeader(new byte[] {'a', 0, (byte) 0xFC, (byte) 0xFF, (byte) 0xFF})}) {
            MySqlProtocolException e = assertThrows(MySqlProtocolException.class,
                    () -> HandshakeResponse41.parse(Unpooled.wrappedBuffer(bad)));
            assertEquals(MySqlProtocolException.ER_HANDSHAKE_ERROR, e.errorCode());
        }
    }

    private static byte[] withHeader(byte[] tail) {
        ByteBuf b = Unpooled.buffer();
        b.writeIntLE((int) (MySqlCapabilities.CLIENT_PROTOCOL_41 | MySqlCapabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | 1));
        b.writeIntLE(1 << 24).writeByte(45).writeZero(23).writeBytes(tail);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    @Test
    void okErrEof_roundTrip_withAndWithoutSessionTrack() {
        long track = MySqlCapabilities.CLIENT_PROTOCOL_41 | MySqlCapabilities.CLIENT_SESSION_TRACK;
        OkPacket ok = new OkPacket(0, 3, 1L << 40, MySqlStatusFlags.SERVER_STATUS_IN_TRANS
                | MySqlStatusFlags.SERVER_SESSION_STATE_CHANGED, 2, "Rows matched: 3",
                List.of(new OkPacket.SessionStateChange(OkPacket.SessionStateChange.SCHEMA, new byte[] {4, 's', 'h', 'o', 'p'})));
        ByteBuf b = ok.toPayload(alloc, track);
        assertTrue(OkPacket.isOk(b));
        OkPacket p = OkPacket.parse(b, track);
        b.release();
        assertEquals(ok, p);
        assertEquals(List.of("shop"), p.sessionStateChanges().get(0).strings());
        // to a client without SESSION_TRACK: info as the rest of the packet, no state, flag cleared
        b = ok.toPayload(alloc, MySqlCapabilities.CLIENT_PROTOCOL_41);
        p = OkPacket.parse(b, MySqlCapabilities.CLIENT_PROTOCOL_41);
        b.release();
        assertEquals("Rows matched: 3", p.info());
        assertEquals(List.of(), p.sessionStateChanges());
        assertEquals(MySqlStatusFlags.SERVER_STATUS_IN_TRANS, p.statusFlags());
        assertEquals(1L << 40, p.lastInsertId());

        ErrPacket err = ErrPacket.accessDenied("app", "127.0.0.1", true);
        b = err.toPayload(alloc);
        assertEquals(err, ErrPacket.parse(b));
        b.release();
        assertEquals("Access denied for user 'app'@'127.0.0.1' (using password: YES)", err.message());
        // pre-handshake ERR without the SQLSTATE marker
        ErrPacket noState = ErrPacket.parse(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, 0x10, 0x04, 'T', 'o', 'o'}));
        assertEquals(1040, noState.errorCode());
        assertEquals("HY000", noState.sqlState());
        assertEquals("Too", noState.message());

        EofPacket eof = new EofPacket(1, MySqlStatusFlags.SERVER_MORE_RESULTS_EXISTS);
        b = eof.toPayload(alloc);
        assertTrue(EofPacket.isEof(b));
        assertEquals(eof, EofPacket.parse(b));
        b.release();
        assertThrows(MySqlProtocolException.class, () -> OkPacket.parse(Unpooled.wrappedBuffer(new byte[] {0, (byte) 0xFC}), 0));
    }

    @Test
    void authSwitchRequest_stripsTheNonceNul_andRefusesTheOldForm() {
        byte[] nonce = MySqlFrontendAuthHandler.newNonce();
        for (byte x : nonce) {
            assertTrue(x >= 33 && x <= 126 && x != '$');
        }
        ByteBuf b = new AuthSwitchRequest(CachingSha2Password.PLUGIN_NAME, nonce).toPayload(alloc);
        AuthSwitchRequest p = AuthSwitchRequest.parse(b);
        b.release();
        assertEquals(CachingSha2Password.PLUGIN_NAME, p.pluginName());
        assertArrayEquals(nonce, p.pluginData());
        assertThrows(MySqlProtocolException.class, () -> AuthSwitchRequest.parse(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFE})));
    }

    @Test
    void jdbcUrls_ofBothDrivers_becomeEndpoints() {
        MySqlServerEndpoint e = MySqlServerEndpoint.fromJdbcUrl(
                "jdbc:mysql://db1:3307,db2:3308/shop?user=app&password=s%3Dcret&sslMode=VERIFY_IDENTITY"
                        + "&connectionAttributes=a:1,tenantroute.tenant:acme&allowPublicKeyRetrieval=true", null, (String) null);
        assertEquals("db1", e.host());
        assertEquals(3307, e.port());
        assertEquals("shop", e.database());
        assertEquals("app", e.user());
        assertEquals("s=cret", e.password().get());
        assertEquals(MySqlTlsMode.VERIFY_IDENTITY, e.tlsMode());
        assertEquals(Map.of("a", "1", "tenantroute.tenant", "acme"), e.connectAttributes());
        assertTrue(e.allowPublicKeyRetrieval());
        assertFalse(e.toString().contains("cret"));
        MySqlServerEndpoint d = MySqlServerEndpoint.fromJdbcUrl("jdbc:mysql://127.0.0.1/?user=root", null, (String) null);
        assertEquals(3306, d.port());
        assertNull(d.database());
        assertEquals(MySqlTlsMode.PREFERRED, d.tlsMode()); // Connector/J 8's default
        assertEquals(MySqlTlsMode.DISABLED,
                MySqlServerEndpoint.fromJdbcUrl("jdbc:mysql://h/db?useSSL=false", "u", "p").tlsMode());
        assertEquals(MySqlTlsMode.REQUIRED,
                MySqlServerEndpoint.fromJdbcUrl("jdbc:mysql://h/db?requireSSL=true", "u", "p").tlsMode());
        MySqlServerEndpoint m = MySqlServerEndpoint.fromJdbcUrl("jdbc:mariadb://[::1]:3310/app?sslMode=trust", "u", "pw");
        assertEquals("::1", m.host());
        assertEquals(3310, m.port());
        assertEquals(MySqlTlsMode.REQUIRED, m.tlsMode());
        assertEquals("pw", m.password().get());
        assertEquals(MySqlTlsMode.DISABLED, MySqlServerEndpoint.fromJdbcUrl("jdbc:mariadb://h/app", "u", "p").tlsMode());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> MySqlServerEndpoint.fromJdbcUrl("jdbc:postgresql://h/db?password=hunter2", "u", "p"));
        assertFalse(x.getMessage().contains("hunter2"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MySqlServerEndpoint.fromJdbcUrl("jdbc:mysql://h:99999/db", "u", "p"));
        assertThrows(IllegalArgumentException.class, () -> MySqlServerEndpoint.fromJdbcUrl("jdbc:mysql://h/db", null, "p"));
        x = assertThrows(IllegalArgumentException.class,
                () -> MySqlServerEndpoint.fromJdbcUrl("jdbc:mysql://h/db?sslMode=sometimes&password=hunter2", "u", (String) null));
        assertFalse(x.getMessage().contains("hunter2"), x.getMessage());
    }
}
