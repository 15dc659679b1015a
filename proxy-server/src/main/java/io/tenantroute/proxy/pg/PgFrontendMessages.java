package io.tenantroute.proxy.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The messages a client sends (the PostgreSQL manual, "Frontend/Backend Protocol" → "Message Formats", the ones
 * marked (F)): their type bytes, zero-copy readers over a decoded {@link PgMessage}, a statement-name rewrite, and
 * writers for the ones the proxy itself sends to a server.
 *
 * <p><b>Readers</b> take a message of the right type, never change its indexes or reference count, and return
 * small values; the {@link ByteBuf} slices they return ({@link Bind#parameterValue}) are views valid while the
 * message is. Strings are decoded as UTF-8 (the proxy asks servers for {@code client_encoding} UTF8; a client with
 * another encoding gets its bytes forwarded unchanged, only the strings read for routing would be wrong). A message
 * whose content does not match its format: {@link PgProtocolException} (08P01). A message of another type:
 * {@link IllegalArgumentException} (a caller's bug).
 *
 * <p><b>Writers</b> allocate from the given allocator and return one complete frame with one reference, owned by the
 * caller (usually written at once, which hands it to the channel). A String argument containing NUL:
 * {@link IllegalArgumentException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class PgFrontendMessages {
    /** Bind. */
    public static final byte BIND = 'B';
    /** Close (a statement or a portal). */
    public static final byte CLOSE = 'C';
    /** CopyData. */
    public static final byte COPY_DATA = 'd';
    /** CopyDone. */
    public static final byte COPY_DONE = 'c';
    /** CopyFail. */
    public static final byte COPY_FAIL = 'f';
    /** Describe (a statement or a portal). */
    public static final byte DESCRIBE = 'D';
    /** Execute. */
    public static final byte EXECUTE = 'E';
    /** Flush. */
    public static final byte FLUSH = 'H';
    /** FunctionCall. */
    public static final byte FUNCTION_CALL = 'F';
    /** PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse share this type; the flow tells which. */
    public static final byte PASSWORD = 'p';
    /** Parse. */
    public static final byte PARSE = 'P';
    /** Query (simple query protocol). */
    public static final byte QUERY = 'Q';
    /** Sync. */
    public static final byte SYNC = 'S';
    /** Terminate. */
    public static final byte TERMINATE = 'X';

    /** The {@code Byte1} of Describe/Close naming a prepared statement. */
    public static final byte KIND_STATEMENT = 'S';
    /** The {@code Byte1} of Describe/Close naming a portal. */
    public static final byte KIND_PORTAL = 'P';

    private PgFrontendMessages() {
    }

    /** @return true for the type bytes a frontend may send ("Message Formats", messages marked (F)) */
    public static boolean isFrontendType(byte type) {
        switch (type) {
            case BIND: case CLOSE: case COPY_DATA: case COPY_DONE: case COPY_FAIL: case DESCRIBE: case EXECUTE:
            case FLUSH: case FUNCTION_CALL: case PASSWORD: case PARSE: case QUERY: case SYNC: case TERMINATE:
                return true;
            default:
                return false;
        }
    }

    private static PgWire.Cursor cursor(PgMessage msg, byte type, String what) {
        if (msg.type() != type) {
            throw new IllegalArgumentException("not a " + what + " message: " + msg);
        }
        return new PgWire.Cursor(msg, what);
    }

    // ---------------------------------------------------------------- readers

    /**
     * @param msg a Query ({@code 'Q'})
     * @return its query string (may hold several statements separated by {@code ;})
     */
    public static String query(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, QUERY, "Query");
        String sql = c.cstring();
        c.expectEnd();
        return sql;
    }

    /**
     * Parse ({@code 'P'}): {@code String} statement name ("" = unnamed), {@code String} query,
     * {@code Int16} count and {@code Int32[]} parameter type OIDs (0 = unspecified). Immutable.
     */
    public static final class Parse {
        private final String name;
        private final String sql;
        private final int[] parameterTypes;

        Parse(String name, String sql, int[] parameterTypes) {
            this.name = name;
            this.sql = sql;
            this.parameterTypes = parameterTypes;
        }

        /** @return the statement name, "" for the unnamed statement */
        public String name() {
            return name;
        }

        /** @return the query string */
        public String sql() {
            return sql;
        }

        /** @return how many parameter types the client specified (may be fewer than the query's parameters) */
        public int parameterTypeCount() {
            return parameterTypes.length;
        }

        /** @return the OID of parameter {@code i} (0-based), 0 when unspecified */
        public int parameterType(int i) {
            return parameterTypes[i];
        }

        /** @return a copy of the parameter type OIDs */
        public int[] parameterTypes() {
            return parameterTypes.clone();
        }

        @Override
        public String toString() {
            return "Parse(name=" + name + ", " + parameterTypes.length + " parameter types)";
        }
    }

    /**
     * @param msg a Parse ({@code 'P'})
     * @return its content
     */
    public static Parse parse(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, PARSE, "Parse");
        String name = c.cstring();
        String sql = c.cstring();
        int n = c.count(c.int16() & 0xffff, 4);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = c.int32();
        }
        c.expectEnd();
        return new Parse(name, sql, types);
    }

    /**
     * Bind ({@code 'B'}): portal, statement, parameter format codes, parameter values ({@code Int32} length, −1 for
     * NULL, then the bytes), result format codes. The values are not copied: {@link #parameterValue} returns a view of
     * the message's frame, valid while the message is. Immutable; not thread-safe in the sense that the returned
     * views share the frame's memory.
     */
    public static final class Bind {
        private final ByteBuf frame;
        private final String portal;
        private final String statement;
        private final short[] parameterFormats;
        private final int[] valueIndex;
        private final int[] valueLength;
        private final short[] resultFormats;

        Bind(ByteBuf frame, String portal, String statement, short[] parameterFormats, int[] valueIndex,
             int[] valueLength, short[] resultFormats) {
            this.frame = frame;
            this.portal = portal;
            this.statement = statement;
            this.parameterFormats = parameterFormats;
            this.valueIndex = valueIndex;
            this.valueLength = valueLength;
            this.resultFormats = resultFormats;
        }

        /** @return the destination portal, "" for the unnamed portal */
        public String portal() {
            return portal;
        }

        /** @return the source prepared statement, "" for the unnamed statement */
        public String statement() {
            return statement;
        }

        /** @return the number of parameter values */
        public int parameterCount() {
            return valueIndex.length;
        }

        /**
         * @param i parameter index, 0-based
         * @return its format, 0 = text, 1 = binary, after the message's rule: no codes = all text, one code = all
         *     parameters, else one per parameter
         */
        public short parameterFormat(int i) {
            if (i < 0 || i >= valueIndex.length) {
                throw new IndexOutOfBoundsException("parameter " + i + " of " + valueIndex.length);
            }
            switch (parameterFormats.length) {
                case 0: return 0;
                case 1: return parameterFormats[0];
                default: return parameterFormats[i];
            }
        }

        /** @return true when parameter {@code i} (0-based) is NULL (length −1) */
        public boolean isNull(int i) {
            return valueLength[i] < 0;
        }

        /** @return the length in bytes of parameter {@code i}'s value, −1 for NULL */
        public int parameterLength(int i) {
            return valueLength[i];
        }

        /** @return a view (not retained) of parameter {@code i}'s bytes, or null for NULL */
        public ByteBuf parameterValue(int i) {
            return valueLength[i] < 0 ? null : frame.slice(valueIndex[i], valueLength[i]);
        }

        /** @return parameter {@code i}'s bytes decoded as UTF-8 (meaningful for format 0), or null for NULL */
        public String parameterText(int i) {
            return valueLength[i] < 0 ? null : frame.toString(valueIndex[i], valueLength[i], StandardCharsets.UTF_8);
        }

        /** @return how many result format codes the client sent (0 = all text, 1 = all columns) */
        public int resultFormatCount() {
            return resultFormats.length;
        }

        /** @return result format code {@code i} as sent */
        public short resultFormat(int i) {
            return resultFormats[i];
        }

        /** Names the portal, statement and counts, never a value. */
        @Override
        public String toString() {
            return "Bind(portal=" + portal + ", statement=" + statement + ", " + valueIndex.length + " parameters)";
        }
    }

    /**
     * @param msg a Bind ({@code 'B'})
     * @return its content, whose values are views of {@code msg}
     * @throws PgProtocolException (08P01) also when the number of parameter format codes is neither 0, 1 nor the
     *     number of parameters
     */
    public static Bind bind(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, BIND, "Bind");
        String portal = c.cstring();
        String statement = c.cstring();
        int nf = c.count(c.int16() & 0xffff, 2);
        short[] formats = new short[nf];
        for (int i = 0; i < nf; i++) {
            formats[i] = c.int16();
        }
        int np = c.count(c.int16() & 0xffff, 4);
        if (nf > 1 && nf != np) {
            throw PgProtocolException.violation("bind message has " + nf + " parameter formats but " + np + " parameters");
        }
        int[] index = new int[np];
        int[] length = new int[np];
        for (int i = 0; i < np; i++) {
            int len = c.int32();
            if (len < -1) {
                throw PgProtocolException.violation("invalid Bind message: parameter " + (i + 1) + " has length " + len);
            }
            length[i] = len;
            index[i] = len < 0 ? -1 : c.skip(len);
        }
        int nr = c.count(c.int16() & 0xffff, 2);
        short[] results = new short[nr];
        for (int i = 0; i < nr; i++) {
            results[i] = c.int16();
        }
        c.expectEnd();
        return new Bind(msg.frame(), portal, statement, formats, index, length, results);
    }

    /**
     * Describe or Close: what it names.
     *
     * @param kind {@link #KIND_STATEMENT} ({@code 'S'}) or {@link #KIND_PORTAL} ({@code 'P'})
     * @param name the statement or portal name, "" for the unnamed one
     */
    public record Target(byte kind, String name) {
        /** @return true for a prepared statement, false for a portal */
        public boolean isStatement() {
            return kind == KIND_STATEMENT;
        }
    }

    private static Target target(PgMessage msg, byte type, String what) {
        PgWire.Cursor c = cursor(msg, type, what);
        byte kind = c.byte1();
        if (kind != KIND_STATEMENT && kind != KIND_PORTAL) {
            throw PgProtocolException.violation("invalid " + what + " message subtype " + PgMessage.typeName(kind));
        }
        String name = c.cstring();
        c.expectEnd();
        return new Target(kind, name);
    }

    /**
     * @param msg a Describe ({@code 'D'})
     * @return what it describes
     */
    public static Target describe(PgMessage msg) {
        return target(msg, DESCRIBE, "Describe");
    }

    /**
     * @param msg a Close ({@code 'C'})
     * @return what it closes
     */
    public static Target close(PgMessage msg) {
        return target(msg, CLOSE, "Close");
    }

    /**
     * Execute: the portal and the row limit.
     *
     * @param portal the portal name, "" for the unnamed one
     * @param maxRows the most rows to return, 0 = no limit
     */
    public record Execute(String portal, int maxRows) {
    }

    /**
     * @param msg an Execute ({@code 'E'})
     * @return its content
     */
    public static Execute execute(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, EXECUTE, "Execute");
        String portal = c.cstring();
        int maxRows = c.int32();
        c.expectEnd();
        return new Execute(portal, maxRows);
    }

    /**
     * @param msg a PasswordMessage ({@code 'p'} answering AuthenticationCleartextPassword or AuthenticationMD5Password)
     * @return the password or the {@code md5…} response; never log it
     */
    public static String password(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, PASSWORD, "PasswordMessage");
        String p = c.cstring();
        c.expectEnd();
        return p;
    }

    /**
     * SASLInitialResponse: the mechanism the client chose and its first message.
     *
     * @param mechanism e.g. {@code SCRAM-SHA-256}
     * @param data the mechanism's initial response (for SCRAM the client-first-message), null when absent (−1)
     */
    public record SaslInitialResponse(String mechanism, byte[] data) {
        @Override
        public String toString() {
            return "SaslInitialResponse(" + mechanism + ")";
        }
    }

    /**
     * @param msg a SASLInitialResponse ({@code 'p'} answering AuthenticationSASL)
     * @return its content, copied
     */
    public static SaslInitialResponse saslInitialResponse(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, PASSWORD, "SASLInitialResponse");
        String mechanism = c.cstring();
        int len = c.int32();
        byte[] data = null;
        if (len >= 0) {
            data = c.bytes(len);
        } else if (len != -1) {
            throw PgProtocolException.violation("invalid SASLInitialResponse message: length " + len);
        }
        c.expectEnd();
        return new SaslInitialResponse(mechanism, data);
    }

    /**
     * @param msg a SASLResponse ({@code 'p'} answering AuthenticationSASLContinue)
     * @return its data, copied
     */
    public static byte[] saslResponse(PgMessage msg) {
        PgWire.Cursor c = cursor(msg, PASSWORD, "SASLResponse");
        return c.bytes(c.remaining());
    }

    // ---------------------------------------------------------------- rewrite

    /**
     * Replaces the prepared statement name a Parse, Bind, or statement Describe/Close carries, without copying the
     * rest: the result is a new frame made of a new header (type, length), the bytes before the name (Bind's portal,
     * Describe/Close's kind), the new name, and a retained slice of everything after the old name.
     *
     * <p>Ownership: the caller still owns {@code msg} (release it, or keep it); the result holds its own references
     * and is the caller's to write or release.
     *
     * @param alloc for the new header
     * @param msg a Parse ({@code 'P'}), Bind ({@code 'B'}), Describe ({@code 'D'}) or Close ({@code 'C'}); a Describe or
     *     Close must name a statement ({@code 'S'})
     * @param statementName the new name; "" for the unnamed statement
     * @return the rewritten message
     * @throws IllegalArgumentException for another type, a Describe/Close of a portal, or a name with NUL
     * @throws PgProtocolException (08P01) when {@code msg} is malformed
     */
    public static PgMessage withStatementName(ByteBufAllocator alloc, PgMessage msg, String statementName) {
        PgWire.Cursor c = new PgWire.Cursor(msg, "statement");
        int prefixStart = c.position();
        switch (msg.type()) {
            case PARSE:
                break;
            case BIND:
                c.cstring(); // the portal stays
                break;
            case DESCRIBE:
            case CLOSE: {
                byte kind = c.byte1();
                if (kind != KIND_STATEMENT) {
                    throw new IllegalArgumentException("not a statement " + (msg.type() == DESCRIBE ? "Describe" : "Close")
                            + ": " + PgMessage.typeName(kind));
                }
                break;
            }
            default:
                throw new IllegalArgumentException("no statement name in " + msg);
        }
        int nameStart = c.position();
        int restStart = c.cstringEnd();
        if ((msg.type() == DESCRIBE || msg.type() == CLOSE) && restStart != msg.frame().writerIndex()) {
            throw PgProtocolException.violation("invalid " + (msg.type() == DESCRIBE ? "Describe" : "Close")
                    + " message: bytes after the name");
        }
        ByteBuf frame = msg.frame();
        int prefixLength = nameStart - prefixStart;
        int restLength = frame.writerIndex() - restStart;
        ByteBuf head = alloc.buffer(PgMessage.HEADER_LENGTH + prefixLength + PgWire.cstringLength(statementName));
        try {
            head.writeByte(msg.type());
            head.writeInt(0);
            head.writeBytes(frame, prefixStart, prefixLength);
            PgWire.cstring(head, statementName, "statement name");
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(head, e);
        }
        head.setInt(1, head.readableBytes() - 1 + restLength);
        if (restLength == 0) {
            return new PgMessage(head);
        }
        CompositeByteBuf out = alloc.compositeBuffer(2);
        out.addComponent(true, head);
        out.addComponent(true, frame.retainedSlice(restStart, restLength));
        return new PgMessage(out);
    }

    // ---------------------------------------------------------------- writers (proxy → server)

    /**
     * StartupMessage for protocol 3.0 (untyped: {@code Int32} length, {@code Int32} 196608, name/value pairs, NUL).
     *
     * @param parameters must contain {@code user}; {@code database} and run-time parameters (e.g.
     *     {@code application_name}, {@code client_encoding}) as wanted, in iteration order
     * @throws IllegalArgumentException without {@code user}, or when a name or value contains NUL
     */
    public static ByteBuf startupMessage(ByteBufAllocator alloc, Map<String, String> parameters) {
        if (parameters.get("user") == null || parameters.get("user").isEmpty()) {
            throw new IllegalArgumentException("a StartupMessage needs a user");
        }
        ByteBuf b = alloc.buffer(128);
        try {
            b.writeInt(0);
            b.writeInt(PgStartupPacket.PROTOCOL_3_0);
            for (Map.Entry<String, String> e : parameters.entrySet()) {
                if (e.getKey().isEmpty()) {
                    throw new IllegalArgumentException("a startup parameter needs a name");
                }
                PgWire.cstring(b, e.getKey(), "startup parameter name");
                PgWire.cstring(b, e.getValue(), "startup parameter " + e.getKey());
            }
            b.writeByte(0);
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return b.setInt(0, b.readableBytes());
    }

    /** @return an SSLRequest (8 bytes, untyped) */
    public static ByteBuf sslRequest(ByteBufAllocator alloc) {
        return alloc.buffer(8).writeInt(8).writeInt(PgStartupPacket.SSL_REQUEST_CODE);
    }

    /** @return a CancelRequest (16 bytes, untyped) for the given BackendKeyData */
    public static ByteBuf cancelRequest(ByteBufAllocator alloc, int processId, int secretKey) {
        return alloc.buffer(16).writeInt(16).writeInt(PgStartupPacket.CANCEL_REQUEST_CODE).writeInt(processId).writeInt(secretKey);
    }

    /**
     * @param password the cleartext password or the {@code md5…} response
     * @return a PasswordMessage
     */
    public static ByteBuf passwordMessage(ByteBufAllocator alloc, String password) {
        ByteBuf b = PgWire.begin(alloc, PASSWORD, PgWire.cstringLength(password));
        try {
            PgWire.cstring(b, password, "password");
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b);
    }

    /**
     * @param data the initial response, or null for none (−1)
     * @return a SASLInitialResponse
     */
    public static ByteBuf saslInitialResponse(ByteBufAllocator alloc, String mechanism, byte[] data) {
        ByteBuf b = PgWire.begin(alloc, PASSWORD, PgWire.cstringLength(mechanism) + 4 + (data == null ? 0 : data.length));
        try {
            PgWire.cstring(b, mechanism, "SASL mechanism");
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        if (data == null) {
            b.writeInt(-1);
        } else {
            b.writeInt(data.length).writeBytes(data);
        }
        return PgWire.finish(b);
    }

    /** @return a SASLResponse carrying {@code data} */
    public static ByteBuf saslResponse(ByteBufAllocator alloc, byte[] data) {
        return PgWire.finish(PgWire.begin(alloc, PASSWORD, data.length).writeBytes(data));
    }

    /** @return a Query */
    public static ByteBuf query(ByteBufAllocator alloc, String sql) {
        ByteBuf b = PgWire.begin(alloc, QUERY, PgWire.cstringLength(sql));
        try {
            PgWire.cstring(b, sql, "query");
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b);
    }

    /**
     * @param name statement name, "" for the unnamed statement
     * @param parameterTypes parameter type OIDs, 0 = let the server infer; may be empty
     * @return a Parse
     */
    public static ByteBuf parse(ByteBufAllocator alloc, String name, String sql, int... parameterTypes) {
        if (parameterTypes.length > 0xffff) {
            throw new IllegalArgumentException("at most 65535 parameter types, got " + parameterTypes.length);
        }
        ByteBuf b = PgWire.begin(alloc, PARSE, PgWire.cstringLength(name) + PgWire.cstringLength(sql) + 2 + 4 * parameterTypes.length);
        try {
            PgWire.cstring(b, name, "statement name");
            PgWire.cstring(b, sql, "query");
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        b.writeShort(parameterTypes.length);
        for (int t : parameterTypes) {
            b.writeInt(t);
        }
        return PgWire.finish(b);
    }

    /**
     * Bind with all parameters in text format (no format codes sent).
     *
     * @param portal destination portal, "" for the unnamed portal
     * @param statement source statement, "" for the unnamed statement
     * @param textParameters the values as text, a null element for NULL
     * @param resultFormats result format codes (none = all text, one = all columns, or one per column)
     * @return a Bind
     */
    public static ByteBuf bind(ByteBufAllocator alloc, String portal, String statement, List<String> textParameters,
                               short... resultFormats) {
        if (textParameters.size() > 0xffff || resultFormats.length > 0xffff) {
            throw new IllegalArgumentException("at most 65535 parameters and result formats");
        }
        ByteBuf b = PgWire.begin(alloc, BIND, 64);
        try {
            PgWire.cstring(b, portal, "portal name");
            PgWire.cstring(b, statement, "statement name");
            b.writeShort(0);
            b.writeShort(textParameters.size());
            for (String v : textParameters) {
                if (v == null) {
                    b.writeInt(-1);
                } else {
                    int at = b.writerIndex();
                    b.writeInt(0);
                    int n = b.writeCharSequence(v, StandardCharsets.UTF_8);
                    b.setInt(at, n);
                }
            }
            b.writeShort(resultFormats.length);
            for (short f : resultFormats) {
                b.writeShort(f);
            }
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b);
    }

    private static ByteBuf target(ByteBufAllocator alloc, byte type, byte kind, String name) {
        if (kind != KIND_STATEMENT && kind != KIND_PORTAL) {
            throw new IllegalArgumentException("kind must be 'S' or 'P', was " + PgMessage.typeName(kind));
        }
        ByteBuf b = PgWire.begin(alloc, type, 1 + PgWire.cstringLength(name));
        b.writeByte(kind);
        try {
            PgWire.cstring(b, name, "name");
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b);
    }

    /**
     * @param kind {@link #KIND_STATEMENT} or {@link #KIND_PORTAL}
     * @return a Describe
     */
    public static ByteBuf describe(ByteBufAllocator alloc, byte kind, String name) {
        return target(alloc, DESCRIBE, kind, name);
    }

    /**
     * @param kind {@link #KIND_STATEMENT} or {@link #KIND_PORTAL}
     * @return a Close
     */
    public static ByteBuf close(ByteBufAllocator alloc, byte kind, String name) {
        return target(alloc, CLOSE, kind, name);
    }

    /**
     * @param maxRows the most rows to return, 0 = no limit
     * @return an Execute
     */
    public static ByteBuf execute(ByteBufAllocator alloc, String portal, int maxRows) {
        ByteBuf b = PgWire.begin(alloc, EXECUTE, PgWire.cstringLength(portal) + 4);
        try {
            PgWire.cstring(b, portal, "portal name");
        } catch (RuntimeException e) {
            throw PgWire.releaseAndRethrow(b, e);
        }
        return PgWire.finish(b.writeInt(maxRows));
    }

    /** @return a Sync */
    public static ByteBuf sync(ByteBufAllocator alloc) {
        return PgWire.empty(alloc, SYNC);
    }

    /** @return a Flush */
    public static ByteBuf flush(ByteBufAllocator alloc) {
        return PgWire.empty(alloc, FLUSH);
    }

    /** @return a Terminate */
    public static ByteBuf terminate(ByteBufAllocator alloc) {
        return PgWire.empty(alloc, TERMINATE);
    }
}
