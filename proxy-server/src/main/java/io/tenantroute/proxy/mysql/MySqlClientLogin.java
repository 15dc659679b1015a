package io.tenantroute.proxy.mysql;

import java.net.SocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A client's completed login to the proxy, as {@link MySqlFrontendAuthHandler} reports it. Immutable.
 *
 * @param user the user name the client authenticated as
 * @param database the database it named (CLIENT_CONNECT_WITH_DB), null when none
 * @param capabilities the negotiated capabilities: the client's flags that the proxy announced
 * @param charset the client's collation id (see {@link MySqlCharsets})
 * @param maxPacketSize the largest packet the client accepts, in bytes
 * @param connectAttributes the connection attributes in the order sent (CLIENT_CONNECT_ATTRS), empty when none
 * @param authPlugin the plugin that verified the password, or {@code "none"} in the mode without users
 * @param tls whether the connection switched to TLS
 * @param remoteAddress the client's address
 * @param connectionId the connection id the proxy gave this client in its greeting
 * @param authNonce the 20-byte nonce of the greeting: a client's COM_CHANGE_USER answers with a scramble made
 *     from it (it travelled in clear; it is no secret)
 */
public record MySqlClientLogin(String user, String database, long capabilities, int charset, int maxPacketSize,
        Map<String, String> connectAttributes, String authPlugin, boolean tls, SocketAddress remoteAddress,
        long connectionId, byte[] authNonce) {
    /** The connection attribute that names the session's tenant (mysql2 {@code connectAttributes},
     *  Connector/J {@code connectionAttributes}). */
    public static final String TENANT_ATTRIBUTE = "tenantroute.tenant";

    public MySqlClientLogin {
        connectAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(connectAttributes));
        authNonce = authNonce.clone();
    }

    @Override
    public byte[] authNonce() {
        return authNonce.clone();
    }

    /** @return the {@value #TENANT_ATTRIBUTE} connection attribute, empty when absent or blank */
    public Optional<String> tenantAttribute() {
        String v = connectAttributes.get(TENANT_ATTRIBUTE);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    /** @return whether the client negotiated {@code flag} (see {@link MySqlCapabilities}) */
    public boolean has(long flag) {
        return MySqlCapabilities.has(capabilities, flag);
    }
}
