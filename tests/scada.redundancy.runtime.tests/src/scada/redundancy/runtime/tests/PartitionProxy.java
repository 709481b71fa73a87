package scada.redundancy.runtime.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The heartbeat cable between two servers, which a test can cut and mend: a plain TCP relay
 * that listens at the address a server's partner row names and connects on to the real
 * partner from the address the partner's row expects, so that TLS, pinning and the handshake
 * run end to end through it. Cut, it relays nothing in either direction while every socket
 * stays open, as with a pulled cable: no reset, no refusal, only silence. Mended, it closes the
 * connections that lived through the cut (their peers gave up on them) and relays again.
 */
final class PartitionProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final InetAddress source;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private volatile boolean cut;
    private volatile boolean closed;

    /**
     * @param listen where the partner row points (e.g. 127.0.0.12:8000)
     * @param target the real server (e.g. 127.0.0.2:8000)
     * @param source the address the target expects its partner to connect from (e.g. 127.0.0.11)
     */
    PartitionProxy(InetSocketAddress listen, InetSocketAddress target, InetAddress source) throws IOException {
        this.listener = new ServerSocket();
        this.listener.setReuseAddress(true);
        this.listener.bind(listen, 50);
        this.target = target;
        this.source = source;
        Thread accepting = new Thread(this::accept, "proxy-accept-" + listen);
        accepting.setDaemon(true);
        accepting.start();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = listener.accept();
                Socket out = new Socket();
                out.bind(new InetSocketAddress(source, 0));
                try {
                    out.connect(target, 2000);
                } catch (IOException refused) {
                    in.close(); // the target is down: close, as a cable to a dead host would not; fine for these tests
                    out.close();
                    continue;
                }
                sockets.add(in);
                sockets.add(out);
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                // listener closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0;) {
                    synchronized (gate) {
                        while (cut && !closed) {
                            gate.wait(); // the cable is cut: the bytes go nowhere until it is mended
                        }
                    }
                    if (closed || from.isClosed()) {
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                close(from);
                close(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Pulls the cable: silence both ways, no socket closes. */
    void cut() {
        cut = true;
    }

    /** Plugs it back in: the connections that lived through the cut are dropped, new ones flow. */
    void mend() {
        for (Socket s : sockets) {
            close(s);
        }
        sockets.clear();
        synchronized (gate) {
            cut = false;
            gate.notifyAll();
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (gate) {
            gate.notifyAll();
        }
        listener.close();
        for (Socket s : sockets) {
            close(s);
        }
    }
}
