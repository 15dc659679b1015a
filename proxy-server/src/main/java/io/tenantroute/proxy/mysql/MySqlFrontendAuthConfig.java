package io.tenantroute.proxy.mysql;

import io.netty.handler.ssl.SslContext;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * How the proxy greets and authenticates MySQL clients ({@link MySqlFrontendAuthHandler}). Immutable; build it
 * from {@link #defaults} with the {@code with…} methods, which validate on set.
 *
 * @param serverVersion the version string announced, e.g. the shared server's {@code 5.5.5-10.11.19-MariaDB}
 *     (clients switch features on it: keep the real server's)
 * @param capabilities the capabilities announced (default {@link MySqlCapabilities#PROXY_SERVER}; CLIENT_SSL is
 *     added when {@code sslContext} is set)
 * @param charset the collation id announced (default {@link MySqlCharsets#UTF8MB4_GENERAL_CI})
 * @param statusFlags the status flags announced and sent in the login OK (default SERVER_STATUS_AUTOCOMMIT)
 * @param credentials the users; null = the mode without users file: every user name is admitted without a
 *     password check, from loopback addresses only (others get ERR 1130)
 * @param defaultPlugin the plugin the greeting names and an AuthSwitchRequest switches to
 * @param acceptedPlugins the plugins whose first response is verified as it is; a client that answered with
 *     any other plugin (or none) is switched to {@code defaultPlugin}
 * @param sslContext a server TLS context; null = no TLS: an SSLRequest is refused with an ERR
 * @param loginCheck called after the password matched, before the login OK: returns an ERR packet to refuse
 *     the login (e.g. 1049 for a database other than the shared one), null to accept; null = accept all.
 *     Runs on the event loop.
 * @param handshakeTimeoutMs how long a client may take from greeting to login, in ms, ≥ 1
 */
public record MySqlFrontendAuthConfig(String serverVersion, long capabilities, int charset, int statusFlags,
        MySqlCredentials credentials, String defaultPlugin, Set<String> acceptedPlugins, SslContext sslContext,
        Function<MySqlClientLogin, ErrPacket> loginCheck, long handshakeTimeoutMs) {
    /** The plugins the proxy verifies. */
    public static final Set<String> SUPPORTED_PLUGINS =
            Set.of(CachingSha2Password.PLUGIN_NAME, MySqlNativePassword.PLUGIN_NAME);

    public MySqlFrontendAuthConfig {
        Objects.requireNonNull(serverVersion, "serverVersion");
        acceptedPlugins = Set.copyOf(acceptedPlugins);
        if (!SUPPORTED_PLUGINS.contains(defaultPlugin)) {
            throw new IllegalArgumentException("defaultPlugin must be one of " + SUPPORTED_PLUGINS + ", was " + defaultPlugin);
        }
        if (!SUPPORTED_PLUGINS.containsAll(acceptedPlugins)) {
            throw new IllegalArgumentException("acceptedPlugins must be among " + SUPPORTED_PLUGINS + ", was " + acceptedPlugins);
        }
        if (handshakeTimeoutMs < 1) {
            throw new IllegalArgumentException("handshakeTimeoutMs must be ≥ 1, was " + handshakeTimeoutMs);
        }
        if ((capabilities & MySqlCapabilities.CLIENT_PROTOCOL_41) == 0
                || (capabilities & MySqlCapabilities.CLIENT_PLUGIN_AUTH) == 0
                || (capabilities & MySqlCapabilities.CLIENT_SECURE_CONNECTION) == 0) {
            throw new IllegalArgumentException("capabilities must include CLIENT_PROTOCOL_41, CLIENT_SECURE_CONNECTION"
                    + " and CLIENT_PLUGIN_AUTH");
        }
    }

    /**
     * caching_sha2_password by default, both plugins accepted as the client's first answer, version
     * {@code 5.5.5-10.11.0-TenantRoute} until the session supplies the shared server's, 10 s handshake timeout.
     *
     * @param credentials the users, or null for the loopback-only mode without users
     * @return the configuration
     */
    public static MySqlFrontendAuthConfig defaults(MySqlCredentials credentials) {
        return new MySqlFrontendAuthConfig("5.5.5-10.11.0-TenantRoute", MySqlCapabilities.PROXY_SERVER,
                MySqlCharsets.UTF8MB4_GENERAL_CI, MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT, credentials,
                CachingSha2Password.PLUGIN_NAME, SUPPORTED_PLUGINS, null, null, 10_000);
    }

    /** @return a copy announcing the version, collation and status of a real server connection */
    public MySqlFrontendAuthConfig withServer(MySqlServerConnection server) {
        return new MySqlFrontendAuthConfig(server.serverVersion(), capabilities, server.charset(),
                server.statusFlags() & (MySqlStatusFlags.SERVER_STATUS_AUTOCOMMIT
                        | MySqlStatusFlags.SERVER_STATUS_NO_BACKSLASH_ESCAPES),
                credentials, defaultPlugin, acceptedPlugins, sslContext, loginCheck, handshakeTimeoutMs);
    }

    /** @return a copy with another version string */
    public MySqlFrontendAuthConfig withServerVersion(String v) {
        return new MySqlFrontendAuthConfig(v, capabilities, charset, statusFlags, credentials, defaultPlugin,
                acceptedPlugins, sslContext, loginCheck, handshakeTimeoutMs);
    }

    /** @return a copy with other announced capabilities */
    public MySqlFrontendAuthConfig withCapabilities(long c) {
        return new MySqlFrontendAuthConfig(serverVersion, c, charset, statusFlags, credentials, defaultPlugin,
                acceptedPlugins, sslContext, loginCheck, handshakeTimeoutMs);
    }

    /** @return a copy that greets with {@code plugin} and verifies first answers only of {@code accepted} */
    public MySqlFrontendAuthConfig withPlugins(String plugin, Set<String> accepted) {
        return new MySqlFrontendAuthConfig(serverVersion, capabilities, charset, statusFlags, credentials, plugin,
                accepted, sslContext, loginCheck, handshakeTimeoutMs);
    }

    /** @return a copy offering TLS with {@code ctx} (a server context), or none for null */
    public MySqlFrontendAuthConfig withSslContext(SslContext ctx) {
        if (ctx != null && ctx.isClient()) {
            throw new IllegalArgumentException("sslContext must be a server context");
        }
        return new MySqlFrontendAuthConfig(serverVersion, capabilities, charset, statusFlags, credentials,
                defaultPlugin, acceptedPlugins, ctx, loginCheck, handshakeTimeoutMs);
    }

    /** @return a copy with a login check (see the record's doc) */
    public MySqlFrontendAuthConfig withLoginCheck(Function<MySqlClientLogin, ErrPacket> check) {
        return new MySqlFrontendAuthConfig(serverVersion, capabilities, charset, statusFlags, credentials,
                defaultPlugin, acceptedPlugins, sslContext, check, handshakeTimeoutMs);
    }

    /** @return the capabilities the greeting carries: {@link #capabilities()} plus CLIENT_SSL with a TLS context */
    public long announcedCapabilities() {
        long c = capabilities & ~MySqlCapabilities.CLIENT_SSL;
        return sslContext != null ? c | MySqlCapabilities.CLIENT_SSL : c;
    }
}
