package scada.redundancy.cli.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One direction of the heartbeat cable between two servers, which a test can cut and mend: a
 * plain TCP relay that listens where a server's partner row says the partner is, and connects
 * on to the real partner from the address the partner's row expects, so that TLS, pinning and
 * the handshake run end to end through it.
 *
 * <p>Cut, nothing passes in either direction while every socket stays open, as with a pulled
 * cable or a firewall that drops packets: no reset, no refusal, only silence. What a peer sends
 * meanwhile — bytes, or the end of a connection it gave up on — is held, and delivered when the
 * cable is mended, as TCP's retransmissions deliver it after a real cable is plugged back in. A
 * connection made during the cut reaches the target only once mended, and only if its client
 * has not given up on it by then (a SYN that was lost meanwhile).
 */
public final class PartitionProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final InetAddress source;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private boolean cut; // guarded by gate
    private volatile boolean closed;

    /**
     * @param listen where the partner row points (e.g. 127.0.3.2:PORT)
     * @param target the real server (e.g. 127.0.2.2:PORT)
     * @param source the address the target expects its partner to connect from (e.g. 127.0.3.17)
     */
    public PartitionProxy(InetSocketAddress listen, InetSocketAddress target, InetAddress source) throws IOException {
        this.listener = new ServerSocket();
        this.listener.setReuseAddress(true);
        this.listener.bind(listen, 50);
        this.target = target;
        this.source = source;
        daemon(this::accept, "relay-accept-" + listen).start();
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private void accept() {
        while (!closed) {
            Socket in;
            try {
                in = listener.accept();
            } catch (IOException e) {
                return; // the listener is closed
            }
            sockets.add(in);
            daemon(() -> relay(in), "relay-" + in.getRemoteSocketAddress()).start();
        }
    }

    /** Connects {@code in} on to the target (once the cable is whole) and pumps both ways. */
    private void relay(Socket in) {
        Socket out = null;
        try {
            byte[] held = new byte[16 * 1024];
            int n = 0;
            if (isCut()) {
                // A connection made during the cut: the client speaks first (TLS); hold its first
                // bytes, or notice it gave up, and go on only when mended.
                n = readOrEnd(in, held);
                if (!awaitWhole() || n < 0) {
                    return;
                }
            }
            out = new Socket();
            sockets.add(out);
            out.bind(new InetSocketAddress(source, 0));
            try {
                out.connect(target, 2000);
            } catch (IOException refused) {
                return; // the target is down: close, as a cable to a dead host would not; fine for these tests
            }
            if (n > 0) {
                out.getOutputStream().write(held, 0, n);
            }
            Socket to = out;
            daemon(() -> pump(to, in), "relay-back-" + in.getRemoteSocketAddress()).start();
            pump(in, out);
            out = null; // pump closed both
        } catch (IOException e) {
            // a peer went away while connecting: close both below
        } finally {
            if (out != null) {
                close(out);
            }
            close(in);
        }
    }

    private static int readOrEnd(Socket s, byte[] buffer) {
        try {
            return s.getInputStream().read(buffer);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Copies from one socket to the other until either ends; while cut, holds what it read (and an end). */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            OutputStream out = to.getOutputStream();
            for (;;) {
                int n = readOrEnd(from, buffer);
                if (!awaitWhole() || n < 0) {
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side is gone
        } finally {
            close(from);
            close(to);
        }
    }

    private boolean isCut() {
        synchronized (gate) {
            return cut;
        }
    }

    /** Waits while the cable is cut; false if the relay closed meanwhile. */
    private boolean awaitWhole() {
        synchronized (gate) {
            while (cut && !closed) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !closed;
    }

    /** Pulls the cable: silence both ways, no socket closes. */
    public void cut() {
        synchronized (gate) {
            cut = true;
        }
    }

    /** Plugs it back in: what was held is delivered, and new connections flow. */
    public void mend() {
        synchronized (gate) {
            cut = false;
            gate.notifyAll();
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
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
