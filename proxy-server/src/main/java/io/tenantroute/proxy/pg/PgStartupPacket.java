package io.tenantroute.proxy.pg;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The untyped packets a client sends before its StartupMessage (the PostgreSQL manual, "Frontend/Backend
 * Protocol", "Message Flow" → "Start-up", and "Message Formats": SSLRequest, GSSENCRequest, CancelRequest,
 * StartupMessage), as {@link PgFrontendDecoder} emits them. All are small immutable values that own no buffer:
 * nothing to release. Thread-safe.
 */
public sealed interface PgStartupPacket
        permits PgStartupPacket.SslRequest, PgStartupPacket.GssEncRequest, PgStartupPacket.CancelRequest,
                PgStartupPacket.StartupMessage {

    /** The request code of SSLRequest, {@code 80877103} (1234 in the high 16 bits, 5679 in the low). */
    int SSL_REQUEST_CODE = 80877103;
    /** The request code of GSSENCRequest, {@code 80877104}. */
    int GSSENC_REQUEST_CODE = 80877104;
    /** The request code of CancelRequest, {@code 80877102}. */
    int CANCEL_REQUEST_CODE = 80877102;
    /** Protocol 3.0, {@code 196608} (3 in the high 16 bits): the version the proxy speaks. */
    int PROTOCOL_3_0 = 196608;
    /** Protocol 3.2, {@code 196610} (PostgreSQL 18): accepted and answered with NegotiateProtocolVersion 3.0. */
    int PROTOCOL_3_2 = 196610;

    /** SSLRequest: the client asks for TLS; answer one byte, {@code 'S'} (then TLS) or {@code 'N'}. */
    record SslRequest() implements PgStartupPacket {
        /** The one instance. */
        public static final SslRequest INSTANCE = new SslRequest();
    }

    /** GSSENCRequest: the client asks for GSSAPI encryption; the proxy answers {@code 'N'}. */
    record GssEncRequest() implements PgStartupPacket {
        /** The one instance. */
        public static final GssEncRequest INSTANCE = new GssEncRequest();
    }

    /**
     * CancelRequest: cancel the query running for the backend key ({@code processId}, {@code secretKey}) that the
     * connection received in BackendKeyData. No answer; the connection is closed afterwards.
     *
     * @param processId the process id of the BackendKeyData to cancel
     * @param secretKey its secret key
     */
    record CancelRequest(int processId, int secretKey) implements PgStartupPacket {
        @Override
        public String toString() {
            return "CancelRequest(pid " + processId + ")";
        }
    }

    /**
     * StartupMessage: protocol version and the parameters ({@code user}, {@code database}, {@code options},
     * {@code application_name}, any run-time parameter, and {@code _pq_.*} protocol options), in the order sent.
     *
     * @param protocolVersion major version in the high 16 bits, minor in the low 16 bits; the decoder admits 3.x only
     * @param parameters name → value, unmodifiable, in the order the client sent them (a repeated name keeps its last
     *     value); always contains {@code user}
     */
    record StartupMessage(int protocolVersion, Map<String, String> parameters) implements PgStartupPacket {
        public StartupMessage {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        /** @return the {@code user} parameter (never null: the decoder refuses a startup packet without one) */
        public String user() {
            return parameters.get("user");
        }

        /** @return the {@code database} parameter, or the user name when absent (as PostgreSQL does) */
        public String database() {
            String db = parameters.get("database");
            return db == null || db.isEmpty() ? user() : db;
        }

        /** @return the parameter's value, or null */
        public String parameter(String name) {
            return parameters.get(name);
        }

        /** @return the major protocol version (3) */
        public int majorVersion() {
            return protocolVersion >>> 16;
        }

        /** @return the minor protocol version (0 for 3.0, 2 for 3.2) */
        public int minorVersion() {
            return protocolVersion & 0xffff;
        }

        /** @return the names of the {@code _pq_.} protocol options the client asked for, none of which the proxy knows */
        public List<String> protocolOptions() {
            return parameters.keySet().stream().filter(k -> k.startsWith("_pq_.")).collect(Collectors.toUnmodifiableList());
        }

        /**
         * @return true when the server must answer with NegotiateProtocolVersion before authentication: the client asked
         *     for a minor version above 0 or for {@code _pq_.} options ("Message Flow" → "Protocol versions")
         */
        public boolean needsNegotiation() {
            return minorVersion() > 0 || !protocolOptions().isEmpty();
        }

        /** Lists the parameter names and the protocol version, never their values (an {@code options} value may be anything). */
        @Override
        public String toString() {
            return "StartupMessage(" + majorVersion() + "." + minorVersion() + ", user=" + user() + ", parameters "
                    + parameters.keySet() + ")";
        }
    }
}
