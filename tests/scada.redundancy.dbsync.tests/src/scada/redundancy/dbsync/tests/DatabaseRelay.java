package scada.redundancy.dbsync.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plain TCP relay in front of a database server that a test can take down and bring back, as
 * if that one server's database had stopped: {@link #down()} resets every connection through it
 * and refuses new ones (the listening port is closed), {@link #up()} listens again on the same
 * port. The real database server, shared with other tests, is never touched.
 */
final class DatabaseRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final InetAddress host;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    /** Listens on a free port of {@code 127.0.0.1} and relays to {@code target}. */
    DatabaseRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.host = InetAddress.getLoopbackAddress();
        ServerSocket first = listen(0);
        this.port = first.getLocalPort();
        start(first);
    }

    int port() {
        return port;
    }

    /** The database goes down: connections reset, new ones refused. */
    synchronized void down() throws IOException {
        ServerSocket l = listener;
        listener = null;
        if (l != null) {
            l.close();
        }
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // a reset, as from a server that died
            } catch (IOException e) {
                // closed already
            }
            s.close();
        }
        sockets.clear();
    }

    /** The database is back on the same port. */
    synchronized void up() throws IOException {
        if (listener == null) {
            start(listen(port));
        }
    }

    private ServerSocket listen(int at) throws IOException {
        ServerSocket l = new ServerSocket();
        l.setReuseAddress(true);
        l.bind(new InetSocketAddress(host, at), 50);
        return l;
    }

    private void start(ServerSocket l) {
        listener = l;
        daemon(() -> accept(l), "db-relay-accept").start();
    }

    private void accept(ServerSocket l) {
        while (!l.isClosed()) {
            Socket in;
            try {
                in = l.accept();
            } catch (IOException e) {
                return; // down or closed
            }
            Socket out = new Socket();
            try {
                out.connect(target, 5000);
            } catch (IOException e) {
                close(in);
                continue;
            }
            sockets.add(in);
            sockets.add(out);
            if (listener != l) { // went down meanwhile
                close(in);
                close(out);
                continue;
            }
            daemon(() -> pipe(in, out), "db-relay-up").start();
            daemon(() -> pipe(out, in), "db-relay-down").start();
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0;) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the other side ended, or the relay went down
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        down();
    }
}
