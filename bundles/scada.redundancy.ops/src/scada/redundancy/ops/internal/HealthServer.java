package scada.redundancy.ops.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The HTTP side of the health endpoint, on the JDK's {@code com.sun.net.httpserver}: {@code GET} and
 * {@code HEAD /health} answer the {@link HealthAnswer} the supplier gives (read from a field: no
 * request ever waits for the redundancy loop, nor the loop for a request); another method on
 * {@code /health} gets 405 with {@code Allow: GET, HEAD}, another path 404.
 * <p>
 * <b>Bounded.</b> {@value #THREADS} threads answer; at most {@value #QUEUED} connections wait for
 * one, and the JDK server closes any beyond (the checker tries again at its next interval). The JDK
 * server reads a request on such a thread, so a client that sends its request slowly holds one: it
 * is closed after {@value #REQUEST_SECONDS} s ({@code sun.net.httpserver.maxReqTime}, and the same for
 * the response, {@code maxRspTime}; set here unless the operator set them, as JVM-wide properties
 * read once when the JDK server is first used). A load balancer's check takes a millisecond.
 */
final class HealthServer implements AutoCloseable {
    static final String PATH = "/health";
    static final int THREADS = 4;
    static final int QUEUED = 32;
    static final int REQUEST_SECONDS = 5;

    private final HttpServer server;
    private final ThreadPoolExecutor threads;

    private HealthServer(HttpServer server, ThreadPoolExecutor threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Listens on {@code address} and answers from {@code answer}; port 0 picks a free port. */
    static HealthServer start(InetSocketAddress address, Supplier<HealthAnswer> answer) throws IOException {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(REQUEST_SECONDS));
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED), r -> {
                    Thread t = new Thread(r, "duplex-health-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        threads.allowCoreThreadTimeOut(true);
        HttpServer server = HttpServer.create(address, QUEUED);
        server.setExecutor(threads);
        server.createContext("/", exchange -> answer(exchange, answer));
        server.start();
        return new HealthServer(server, threads);
    }

    /** The address it listens on (the port chosen when 0 was asked). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void answer(HttpExchange exchange, Supplier<HealthAnswer> answer) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, "no such path: the health endpoint is GET " + PATH + "\n", !"HEAD".equals(method));
                return;
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "method " + method + " not allowed: GET or HEAD " + PATH + "\n", true);
                return;
            }
            HealthAnswer a = answer.get();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(a.code(), -1);
            } else {
                exchange.sendResponseHeaders(a.code(), a.json().length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(a.json());
                }
            }
        }
    }

    private static void send(HttpExchange exchange, int code, String text, boolean withBody) throws IOException {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (!withBody) {
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops listening; a request being answered gets at most 1 s to finish. */
    @Override
    public void close() {
        server.stop(1);
        threads.shutdownNow();
    }
}
