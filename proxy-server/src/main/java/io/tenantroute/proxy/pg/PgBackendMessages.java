package io.tenantroute.proxy.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages a server sends (the PostgreSQL manual, "Frontend/Backend Protocol" → "Message Formats", the ones
 * marked (B)): their type bytes, zero-copy readers over a decoded {@link PgMessage}, and writers for the ones the
 * proxy itself sends to a client.
 *
 * <p>Readers never change the message's indexes or reference count. A message whose content does not match its
 * format: {@link PgProtocolException} (08P01); of another type: {@link IllegalArgumentException}. Writers return one
 * complete frame with one reference owned by the caller; a String argument containing NUL:
 * {@link IllegalArgumentException}. Stateless and thread-safe.
 */
public final class PgBackendMessages {
    /** Authentication* (the Int32 that follows says which). */
    public static final byte AUTHENTICATION = 'R';
    /** BackendKeyData. */
    public static final byte BACKEND_KEY_DATA = 'K';
    /** BindComplete. */
    public static final byte BIND_COMPLETE = '2';
    /** CloseComplete. */
    public static final byte CLOSE_COMPLETE = '3';
    /** CommandComplete. */
    public static final byte COMMAND_COMPLETE = 'C';
    /** CopyData. */
    public static final byte COPY_DATA = 'd';
    /** CopyDone. */
    public static final byte COPY_DONE = 'c';
    /** CopyInResponse. */
    public static final byte COPY_IN_RESPONSE = 'G';
    /** CopyOutResponse. */
    public static final byte COPY_OUT_RESPONSE = 'H';
    /** CopyBothResponse. */
    public static final byte COPY_BOTH_RESPONSE = 'W';
    /** DataRow. */
    public static final byte DATA_ROW = 'D';
    /** EmptyQueryResponse. */
    public static final byte EMPTY_QUERY_RESPONSE = 'I';
    /** ErrorResponse. */
    public static final byte ERROR_RESPONSE = 'E';
    /** FunctionCallResponse. */
    public static final byte FUNCTION_CALL_RESPONSE = 'V';
    /** NegotiateProtocolVersion. */
    public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    /** NoData. */
    public static final byte NO_DATA = 'n';
    /** NoticeResponse. */
    public static final byte NOTICE_RESPONSE = 'N';
    /** NotificationResponse. */
    public static final byte NOTIFICATION_RESPONSE = 'A';
    /** ParameterDescription. */
    public static final byte PARAMETER_DESCRIPTION = 't';
    /** ParameterStatus. */
    public static final byte PARAMETER_STATUS = 'S';
    /** ParseComplete. */
    public static final byte PARSE_COMPLETE = '1';
    /** PortalSuspended. */
    public static final byte PORTAL_SUSPENDED = 's';
    /** ReadyForQuery. */
    public static final byte READY_FOR_QUERY = 'Z';
    /** RowDescription. */
    public static final byte ROW_DESCRIPTION = 'T';

    /** AuthenticationOk. */
    public static final int AUTH_OK = 0;
    /** AuthenticationKerberosV5 (unsupported by PostgreSQL since 9.4). */
    public static final int AUTH_KERBEROS_V5 = 2;
    /** AuthenticationCleartextPassword. */
    public static final int AUTH_CLEARTEXT_PASSWORD = 3;
    /** AuthenticationMD5Password (followed by a 4-byte salt). */
    public static final int AUTH_MD5_PASSWORD = 5;
    /** AuthenticationGSS. */
    public static final int AUTH_GSS = 7;
    /** AuthenticationGSSContinue. */
    public static final int AUTH_GSS_CONTINUE = 8;
    /** AuthenticationSSPI. */
    public static final int AUTH_SSPI = 9;
    /** AuthenticationSASL (followed by the mechanism names). */
    public static final int AUTH_SASL = 10;
    /** AuthenticationSASLContinue. */
    public static final int AUTH_SASL_CONTINUE = 11;
    /** AuthenticationSASLFinal. */
    public static final int AUTH_SASL_FINAL = 12;

    /** Error and notice field: severity, localized ({@code S}). */
    public static final char FIELD_SEVERITY = 'S';
    /** Error and notice field: severity, never localized ({@code V}, PostgreSQL 9.6+). */
    public static final char FIELD_SEVERITY_NONLOCALIZED = 'V';
    /** Error and notice field: the SQLSTATE code ({@code C}). */
    public static final char FIELD_SQLSTATE = 'C';
    /** Error and notice field: the primary message ({@code M}). */
    public static final char FIELD_MESSAGE = 'M';
    /** Error and notice field: detail ({@code D}). */
    public static final char FIELD_DETAIL = 'D';
    /** Error and notice field: hint ({@code H}). */
    public static final char FIELD_HINT = 'H';

    /** The severities of ErrorResponse and NoticeResponse ("Error and Notice Message Fields"). */
    public enum Severity {
        /** The statement failed; the session goes on. */
        ERROR,
        /** The session ends. */
        FATAL,
        /** All sessions end. */
        PANIC,
        /** Notice. */
        WARNING,
        /** Notice. */
        NOTICE,
        /** Notice. */
        DEBUG,
        /** Notice. */
        INFO,
        /** Notice. */
        LOG
    }

    private PgBackendMessages() {
    }

    private static PgWire.Cursor cursor(PgMessage msg, byte type, String what) {
        if (msg.type() != type) {
            throw new IllegalArgumentException("not a " + what + " message: " + msg);
        }
        return new PgWire.Cursor(msg, what);
    }

    // ---------------------------------------------------------------- readers

    /**
     * The fields of an ErrorResponse or NoticeResponse ("Error and Notice Message Fields"): field code → value, in
     * the order received, unmodifiable. Immutable and thread-safe.
     *
     * @param fields field code (e.g. {@code 'C'}) → value
     */
    public record Notice(Map<Character, String> fields) {
        public Notice {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** @return the value of field {@code code}, or null */
        public String field(char code) {
            return fields.get(code);
        }

        /** @return the non-localized severity ({@code V}) when sent, else the localized one ({@code S}) */
        public String severity() {
            String v = fields.get(FIELD_SEVERITY_NONLOCALIZED);
            return v != null ? v : fields.get(FIELD_SEVERITY);
        }

        /** @return the SQLSTATE ({@code C}), or null */
        public String sqlState() {
            return fields.get(FIELD_SQLSTATE);
        }

        /** @return the primary message ({@code M}), or null */
        public String message() {
            return fields.get(FIELD_MESSAGE);
        }

        /** @return the detail ({@code D}), or null */
        public String detail() {
            return fields.get(FIELD_DETAIL);
        }

        /** @return the hint ({@code H}), or null */
        public String hint() {
            return fields.get(FIELD_HINT);
        }

        @Override
        public String toString() {
            return severity() + " " + sqlState() + ": " + message();
        }
    }

    /**
     * @param msg an ErrorResponse ({@code 'E'}) or NoticeResponse ({@code 'N'})
     * @return its fields
     */
    public static Notice notice(PgMessage msg) {
        if (msg.type() != ERROR_RESPONSE && msg.type() != NOTICE_RESPONSE) {
            throw new IllegalArgumentException("not an ErrorResponse or NoticeResponse: " + msg);
        }
        PgWire.Cursor c = new PgWire.Cursor(msg, msg.type() == ERROR_RESPONSE ? "ErrorResponse" : "NoticeResponse");
        Map<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            byte code = c.byte1();
            if (code == 0) {
                break;
            }
            fields.put((char) (code & 0xff), c.cstring());
        }
        c.expectEnd();
        return new Notice(fields);
    }

    /**
     * @param msg a ReadyForQuery ({@code 'Z'})
     * @return its transaction status
     */
    public static PgTransactionStatus readyForQuery(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, READY_FOR_QUERY, "ReadyForQuery");
        byte status = c.byte1();
        c.expectEnd();
        return PgTransactionStatus.of(status);
    }

    /**
     * @param msg a CommandComplete ({@code 'C'})
     * @return its tag, e.g. {@code INSERT 0 1}, {@code SELECT 3}
     */
    public static String commandComplete(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, COMMAND_COMPLETE, "CommandComplete");
        String tag = c.cstring();
        c.expectEnd();
        return tag;
    }

    /** A run-time parameter's value as reported by ParameterStatus. */
    public record ParameterStatus(String name, String value) {
    }

    /**
     * @param msg a ParameterStatus ({@code 'S'})
     * @return name and value
     */
    public static ParameterStatus parameterStatus(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, PARAMETER_STATUS, "ParameterStatus");
        String name = c.cstring();
        String value = c.cstring();
        c.expectEnd();
        return new ParameterStatus(name, value);
    }

    /**
     * The cancellation key of a session (protocol 3.0: a 4-byte secret).
     *
     * @param processId the backend's process id
     * @param secretKey its secret key
     */
    public record BackendKeyData(int processId, int secretKey) {
        @Override
        public String toString() {
            return "BackendKeyData(pid " + processId + ")";
        }
    }

    /**
     * @param msg a BackendKeyData ({@code 'K'}) of protocol 3.0
     * @return process id and secret key
     */
    public static BackendKeyData backendKeyData(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, BACKEND_KEY_DATA, "BackendKeyData");
        int pid = c.int32();
        int secret = c.int32();
        c.expectEnd();
        return new BackendKeyData(pid, secret);
    }

    /**
     * @param msg a RowDescription ({@code 'T'})
     * @return its number of fields (columns)
     */
    public static int rowDescriptionFieldCount(PgMessage msg) {
        return cursor(msg, ROW_DESCRIPTION, "RowDescription").int16() & 0xffff;
    }

    /**
     * An Authentication* message: its code and the bytes after it.
     *
     * @param code one of the {@code AUTH_*} constants
     * @param data what follows the code: the MD5 salt, the SASL mechanism list or SASL data; copied
     */
    public record Authentication(int code, byte[] data) {
        /** @return the mechanism names of AuthenticationSASL */
        public List<String> saslMechanisms() {
            if (code != AUTH_SASL) {
                throw new IllegalStateException("not AuthenticationSASL but code " + code);
            }
            List<String> names = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == 0) {
                    if (i == start) {
                        break;
                    }
                    names.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return names;
        }

        @Override
        public String toString() {
            return "Authentication(" + code + ")";
        }
    }

    /**
     * @param msg an Authentication* message ({@code 'R'})
     * @return its code and data
     */
    public static Authentication authentication(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, AUTHENTICATION, "Authentication");
        int code = c.int32();
        byte[] data = c.bytes(c.remaining());
        if (code == AUTH_MD5_PASSWORD && data.length != 4) {
            throw PgProtocolException.violation("invalid AuthenticationMD5Password message: salt of " + data.length + " bytes");
        }
        if (code == AUTH_SASL && (data.length == 0 || data[data.length - 1] != 0)) {
            throw PgProtocolException.violation("invalid AuthenticationSASL message: unterminated mechanism list");
        }
        return new Authentication(code, data);
    }

    /**
     * NegotiateProtocolVersion: the newest version the server supports and the protocol options it did not know.
     *
     * @param newestVersion the full version code (major in the high 16 bits), e.g. 196608 for 3.0
     * @param unrecognizedOptions the {@code _pq_.} option names the server did not recognize
     */
    public record NegotiateProtocolVersion(int newestVersion, List<String> unrecognizedOptions) {
        public NegotiateProtocolVersion {
            unrecognizedOptions = List.copyOf(unrecognizedOptions);
        }
    }

    /**
     * @param msg a NegotiateProtocolVersion ({@code 'v'})
     * @return its content
     */
    public static NegotiateProtocolVersion negotiateProtocolVersion(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, NEGOTIATE_PROTOCOL_VERSION, "NegotiateProtocolVersion");
        int version = c.int32();
        int n = c.count(c.int32(), 1);
        List<String> options = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            options.add(c.cstring());
        }
        c.expectEnd();
        return new NegotiateProtocolVersion(version, options);
    }

    // ---------------------------------------------------------------- writers (proxy → client)

    /**
     * @param accept true for {@code 'S'} (TLS follows), false for {@code 'N'}
     * @return the one-byte answer to SSLRequest or GSSENCRequest (not a typed message)
     */
    public static ByteBuf sslResponse(ByteBufAllocator alloc, boolean accept) {
        return alloc.buffer(1).writeByte(accept ? 'S' : 'N');
    }

    private static ByteBuf fields(ByteBufAllocator alloc, byte type, Map<Character, String> fields) {
        ByteBuf b = PgWire.begin(alloc, type, 128);
        try {
            for (Map.Entry<Character, String> e : fields.entrySet()) {
                char code = e.getKey();
                if (code == 0 || code > 0x7f) {
                    throw new IllegalArgumentException("invalid field code " + (int) code);
                }
                if (e.getValue() == null) {
                    continue;
                }
                b.writeByte(code);
                PgWire.cstring(b, e.getValue(), "field " + code);
            }
            b.writeByte(0);
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b);
    }

    private static Map<Character, String> fields(Severity severity, String sqlState, String message, String detail, String hint) {
        if (sqlState == null || sqlState.length() != 5) {
            throw new IllegalArgumentException("an SQLSTATE has five characters, was " + sqlState);
        }
        Map<Character, String> f = new LinkedHashMap<>();
        f.put(FIELD_SEVERITY, severity.name());
        f.put(FIELD_SEVERITY_NONLOCALIZED, severity.name());
        f.put(FIELD_SQLSTATE, sqlState);
        f.put(FIELD_MESSAGE, message == null ? "" : message);
        if (detail != null) {
            f.put(FIELD_DETAIL, detail);
        }
        if (hint != null) {
            f.put(FIELD_HINT, hint);
        }
        return f;
    }

    /**
     * @param severity usually {@link Severity#ERROR} or {@link Severity#FATAL} (sent as both {@code S} and {@code V})
     * @param sqlState the five-character SQLSTATE
     * @param message the primary message; names user, tenant, target, never a password
     * @return an ErrorResponse
     */
    public static ByteBuf errorResponse(ByteBufAllocator alloc, Severity severity, String sqlState, String message) {
        return errorResponse(alloc, severity, sqlState, message, null, null);
    }

    /** As {@link #errorResponse(ByteBufAllocator, Severity, String, String)} with an optional detail and hint (null = none). */
    public static ByteBuf errorResponse(ByteBufAllocator alloc, Severity severity, String sqlState, String message,
                                        String detail, String hint) {
        return fields(alloc, ERROR_RESPONSE, fields(severity, sqlState, message, detail, hint));
    }

    /**
     * @param fields field code → value, in order (null values skipped), e.g. a server's {@link Notice#fields()}
     * @return an ErrorResponse
     */
    public static ByteBuf errorResponse(ByteBufAllocator alloc, Map<Character, String> fields) {
        return fields(alloc, ERROR_RESPONSE, fields);
    }

    /** @return a NoticeResponse (severity usually WARNING or NOTICE), detail and hint optional (null = none) */
    public static ByteBuf noticeResponse(ByteBufAllocator alloc, Severity severity, String sqlState, String message,
                                         String detail, String hint) {
        return fields(alloc, NOTICE_RESPONSE, fields(severity, sqlState, message, detail, hint));
    }

    /**
     * @param fields field code → value, in order (null values skipped)
     * @return a NoticeResponse
     */
    public static ByteBuf noticeResponse(ByteBufAllocator alloc, Map<Character, String> fields) {
        return fields(alloc, NOTICE_RESPONSE, fields);
    }

    /** @return a ReadyForQuery */
    public static ByteBuf readyForQuery(ByteBufAllocator alloc, PgTransactionStatus status) {
        return PgWire.finish(PgWire.begin(alloc, READY_FOR_QUERY, 1).writeByte(status.code()));
    }

    /**
     * @param tag e.g. {@code SELECT 1}, {@code SET}, {@code DEALLOCATE ALL}
     * @return a CommandComplete
     */
    public static ByteBuf commandComplete(ByteBufAllocator alloc, String tag) {
        ByteBuf b = PgWire.begin(alloc, COMMAND_COMPLETE, PgWire.cstringLength(tag));
        try {
            PgWire.cstring(b, tag, "command tag");
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b);
    }

    /** @return a ParseComplete */
    public static ByteBuf parseComplete(ByteBufAllocator alloc) {
        return PgWire.empty(alloc, PARSE_COMPLETE);
    }

    /** @return a BindComplete */
    public static ByteBuf bindComplete(ByteBufAllocator alloc) {
        return PgWire.empty(alloc, BIND_COMPLETE);
    }

    /** @return a CloseComplete */
    public static ByteBuf closeComplete(ByteBufAllocator alloc) {
        return PgWire.empty(alloc, CLOSE_COMPLETE);
    }

    /** @return a NoData */
    public static ByteBuf noData(ByteBufAllocator alloc) {
        return PgWire.empty(alloc, NO_DATA);
    }

    /** @return an EmptyQueryResponse */
    public static ByteBuf emptyQueryResponse(ByteBufAllocator alloc) {
        return PgWire.empty(alloc, EMPTY_QUERY_RESPONSE);
    }

    /** @return a ParameterStatus */
    public static ByteBuf parameterStatus(ByteBufAllocator alloc, String name, String value) {
        ByteBuf b = PgWire.begin(alloc, PARAMETER_STATUS, PgWire.cstringLength(name) + PgWire.cstringLength(value));
        try {
            PgWire.cstring(b, name, "parameter name");
            PgWire.cstring(b, value, "parameter " + name);
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b);
    }

    /** @return a BackendKeyData of protocol 3.0 */
    public static ByteBuf backendKeyData(ByteBufAllocator alloc, int processId, int secretKey) {
        return PgWire.finish(PgWire.begin(alloc, BACKEND_KEY_DATA, 8).writeInt(processId).writeInt(secretKey));
    }

    private static ByteBuf authentication(ByteBufAllocator alloc, int code, byte[] data) {
        return PgWire.finish(PgWire.begin(alloc, AUTHENTICATION, 4 + data.length).writeInt(code).writeBytes(data));
    }

    /** @return AuthenticationOk */
    public static ByteBuf authenticationOk(ByteBufAllocator alloc) {
        return authentication(alloc, AUTH_OK, new byte[0]);
    }

    /** @return AuthenticationCleartextPassword */
    public static ByteBuf authenticationCleartextPassword(ByteBufAllocator alloc) {
        return authentication(alloc, AUTH_CLEARTEXT_PASSWORD, new byte[0]);
    }

    /**
     * @param salt 4 random bytes
     * @return AuthenticationMD5Password
     */
    public static ByteBuf authenticationMd5Password(ByteBufAllocator alloc, byte[] salt) {
        if (salt.length != 4) {
            throw new IllegalArgumentException("the MD5 salt has 4 bytes, got " + salt.length);
        }
        return authentication(alloc, AUTH_MD5_PASSWORD, salt);
    }

    /**
     * @param mechanisms the SASL mechanisms offered, e.g. {@code SCRAM-SHA-256}
     * @return AuthenticationSASL
     */
    public static ByteBuf authenticationSasl(ByteBufAllocator alloc, String... mechanisms) {
        ByteBuf b = PgWire.begin(alloc, AUTHENTICATION, 32);
        b.writeInt(AUTH_SASL);
        try {
            for (String m : mechanisms) {
                PgWire.cstring(b, m, "SASL mechanism");
            }
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        b.writeByte(0);
        return PgWire.finish(b);
    }

    /**
     * @param data e.g. the SCRAM server-first-message
     * @return AuthenticationSASLContinue
     */
    public static ByteBuf authenticationSaslContinue(ByteBufAllocator alloc, byte[] data) {
        return authentication(alloc, AUTH_SASL_CONTINUE, data);
    }

    /**
     * @param data e.g. the SCRAM server-final-message
     * @return AuthenticationSASLFinal
     */
    public static ByteBuf authenticationSaslFinal(ByteBufAllocator alloc, byte[] data) {
        return authentication(alloc, AUTH_SASL_FINAL, data);
    }

    /**
     * @param newestVersion the newest version supported for the requested major version, e.g.
     *     {@link PgStartupPacket#PROTOCOL_3_0}
     * @param unrecognizedOptions the client's {@code _pq_.} option names that are not supported
     * @return NegotiateProtocolVersion
     */
    public static ByteBuf negotiateProtocolVersion(ByteBufAllocator alloc, int newestVersion, List<String> unrecognizedOptions) {
        ByteBuf b = PgWire.begin(alloc, NEGOTIATE_PROTOCOL_VERSION, 32);
        b.writeInt(newestVersion).writeInt(unrecognizedOptions.size());
        try {
            for (String o : unrecognizedOptions) {
                PgWire.cstring(b, o, "protocol option");
            }
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b);
    }
}
