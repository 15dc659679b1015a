package io.tenantroute.proxy.pg;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * TLS in the PostgreSQL protocol (the PostgreSQL manual, "Frontend/Backend Protocol" → "Message Flow" → "SSL Session
 * Encryption"): starting it towards a client that sent SSLRequest, and the client contexts
 * {@link PgServerConnector} uses towards servers. Thread-safe.
 */
public final class PgTls {
    private static final Map<String, SslContext> CLIENT_CONTEXTS = new ConcurrentHashMap<>();

    private PgTls() {
    }

    /**
     * Accepts a client's SSLRequest: puts an {@link SslHandler} at the head of the pipeline in start-TLS mode (its
     * first write, the {@code 'S'}, goes out in clear text) and writes and flushes {@code 'S'}. The client's next
     * bytes are its TLS handshake; its StartupMessage then arrives decrypted at the {@link PgFrontendDecoder}. Call on
     * the event loop, from the handler that read the {@link PgStartupPacket.SslRequest}.
     *
     * @param channel the client channel
     * @param serverContext from {@link io.tenantroute.proxy.internal.TlsContexts#forServer}
     * @return the SslHandler's handshake future (fails when the client's handshake does)
     */
    public static io.netty.util.concurrent.Future<Channel> startServerTls(Channel channel, SslContext serverContext) {
        SslHandler ssl = new SslHandler(serverContext.newEngine(channel.alloc()), true);
        channel.pipeline().addFirst("pg-tls", ssl);
        ChannelFuture ignored = channel.writeAndFlush(PgBackendMessages.sslResponse(channel.alloc(), true));
        return ssl.handshakeFuture();
    }

    /**
     * Refuses a client's SSLRequest or GSSENCRequest: writes and flushes {@code 'N'}; the client goes on in clear text
     * (or gives up, if it required TLS).
     */
    public static ChannelFuture refuse(Channel channel) {
        return channel.writeAndFlush(PgBackendMessages.sslResponse(channel.alloc(), false));
    }

    /**
     * The client context for a server connection, cached per (mode, root certificate file).
     *
     * @param mode the sslmode; for {@link PgSslMode#PREFER}, {@link PgSslMode#ALLOW} and {@link PgSslMode#REQUIRE}
     *     the certificate is not checked; {@link PgSslMode#VERIFY_CA} checks the chain; {@link PgSslMode#VERIFY_FULL}
     *     also the host name (Java's HTTPS rules: subjectAltName DNS or IP entries, CN only without DNS entries)
     * @param rootCert PEM file of trusted roots for the verify modes, or null for the JDK's default trust store
     * @return the context
     * @throws SSLException when the root certificate file cannot be used
     * @throws IllegalArgumentException for {@link PgSslMode#DISABLE}
     */
    static SslContext clientContext(PgSslMode mode, Path rootCert) throws SSLException {
        if (mode == PgSslMode.DISABLE) {
            throw new IllegalArgumentException("no TLS context for sslmode=disable");
        }
        boolean verify = mode.verifiesCertificate();
        String key = (verify ? mode.name() : "NOVERIFY") + "|" + (verify ? Objects.toString(rootCert, "") : "");
        SslContext cached = CLIENT_CONTEXTS.get(key);
        if (cached != null) {
            return cached;
        }
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        if (!verify) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            if (rootCert != null) {
                if (!Files.isReadable(rootCert)) {
                    throw new SSLException("cannot read sslrootcert " + rootCert);
                }
                b.trustManager(rootCert.toFile());
            }
            b.endpointIdentificationAlgorithm(mode == PgSslMode.VERIFY_FULL ? "HTTPS" : null);
        }
        SslContext ctx = b.build();
        SslContext raced = CLIENT_CONTEXTS.putIfAbsent(key, ctx);
        return raced != null ? raced : ctx;
    }
}
