package io.tenantroute.proxy.internal;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS towards clients ({@code --tls-cert}/{@code --tls-key}), shared by both protocols: a Netty server
 * {@link SslContext} (JDK provider) from PEM files.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * Builds the listener's server context. Build it once at start and share it: it is thread-safe and costly.
     *
     * @param certChain PEM file: the server certificate, then any intermediates
     * @param key PEM file: the certificate's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
     * @return the context
     * @throws IllegalArgumentException when a file is missing or unreadable, or does not hold a certificate/key
     *     (the message names both files and the reason, never key material)
     */
    public static SslContext forServer(Path certChain, Path key) {
        String what = "--tls-cert " + certChain + " / --tls-key " + key;
        if (!Files.isReadable(certChain)) {
            throw new IllegalArgumentException(what + ": cannot read the certificate file " + certChain);
        }
        if (!Files.isReadable(key)) {
            throw new IllegalArgumentException(what + ": cannot read the key file " + key);
        }
        try {
            return SslContextBuilder.forServer(certChain.toFile(), key.toFile()).sslProvider(SslProvider.JDK).build();
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException(what + ": not a usable PEM certificate chain and PKCS#8 key (" + reason + ")", e);
        }
    }
}
