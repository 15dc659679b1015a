package io.tenantroute.proxy.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The proxy's admin endpoint, on the JDK's built-in HTTP server (one thread; scrapes are rare):
 * <ul>
 *   <li>{@code GET /metrics}: 200, Prometheus text format 0.0.4 ({@code text/plain; version=0.0.4});</li>
 *   <li>{@code GET /health}: 200 {@code ok} once the tenant map is loaded, else 503 {@code starting} (or
 *       {@code stopping} during a stop);</li>
 *   <li>anything else: 404; a method other than GET/HEAD: 405.</li>
 * </ul>
 * Thread-safe; {@link #close()} stops it at once.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts the endpoint.
     *
     * @param address where to listen (port 0: any free port)
     * @param metrics produces the scrape
     * @param healthy true once the proxy routes
     * @param health the word {@code /health} answers while not healthy
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static AdminServer start(InetSocketAddress address, Supplier<String> metrics, BooleanSupplier healthy,
            Supplier<String> health) throws IOException {
        HttpServer s = HttpServer.create(address, 16);
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tenantroute-proxy-admin");
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(ex);
        s.createContext("/", exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (!"GET".equals(method) && !"HEAD".equals(method)) {
                    reply(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                    return;
                }
                switch (exchange.getRequestURI().getPath()) {
                    case "/metrics":
                        reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
                        break;
                    case "/health":
                        boolean ok = healthy.getAsBoolean();
                        reply(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : health.get() + "\n");
                        break;
                    default:
                        reply(exchange, 404, "text/plain; charset=utf-8", "not found: GET /metrics or /health\n");
                }
            }
        });
        s.start();
        return new AdminServer(s, ex);
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** @return the bound address (with the real port when 0 was asked) */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
