package io.quorumkv.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP port: {@code GET /metrics} (Prometheus text exposition of a {@link
 * PrometheusRegistry}), {@code GET /health} (200 {@code alive} while the process serves) and {@code
 * GET /ready} (200 {@code ready}, or 503 with a one-line reason while the node cannot serve: see
 * {@code QuorumKvServer.notReadyReason}) and {@code GET /}, the {@link StatusPage}. Any other path
 * is 404.
 *
 * <p>Runs on the JDK's HTTP server with two daemon threads of its own, so a slow scrape never
 * delays the replica's event loop. Thread-safe; {@link #close} is idempotent.
 */
public final class HttpEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private HttpEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Listens on {@code address} (port 0: any free one).
   *
   * @param name names the threads ({@code qkv-http-NAME-N}), e.g. the node id
   * @param notReady the reason the node is not ready, or {@code null} when it is; called per {@code
   *     /ready} request on an HTTP thread
   * @param statusPage the HTML of the status page at {@code /}, rendered per request
   * @throws IOException if the address cannot be bound (a {@link java.net.BindException} if it is
   *     in use)
   */
  public static HttpEndpoint start(
      InetSocketAddress address,
      String name,
      PrometheusRegistry registry,
      Supplier<String> notReady,
      Supplier<String> statusPage)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "qkv-http-" + name + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    MetricsHandler metrics = new MetricsHandler(registry);
    server.createContext(
        "/metrics",
        ex -> {
          if (exact(ex, "/metrics")) {
            metrics.handle(ex);
          }
        });
    server.createContext(
        "/health",
        ex -> {
          if (exact(ex, "/health")) {
            answer(ex, 200, "alive");
          }
        });
    server.createContext(
        "/ready",
        ex -> {
          if (exact(ex, "/ready")) {
            String reason = notReady.get();
            answer(ex, reason == null ? 200 : 503, reason == null ? "ready" : reason);
          }
        });
    server.createContext(
        "/",
        ex -> {
          if (exact(ex, "/")) {
            answer(ex, 200, "text/html; charset=utf-8", statusPage.get());
          }
        });
    server.start();
    return new HttpEndpoint(server, executor);
  }

  /** Whether the request is for exactly {@code path}; otherwise answers 404. */
  private static boolean exact(HttpExchange ex, String path) throws IOException {
    if (ex.getRequestURI().getPath().equals(path)) {
      return true;
    }
    answer(ex, 404, "not found: " + ex.getRequestURI().getPath());
    return false;
  }

  /** Sends a one-line plain-text answer and closes the exchange. */
  private static void answer(HttpExchange ex, int status, String line) throws IOException {
    answer(ex, status, "text/plain; charset=utf-8", line + "\n");
  }

  /** Sends {@code text} as {@code type} and closes the exchange. */
  private static void answer(HttpExchange ex, int status, String type, String text)
      throws IOException {
    try (ex) {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      if ("HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops listening and the threads; idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("HTTP threads still running 5 s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
