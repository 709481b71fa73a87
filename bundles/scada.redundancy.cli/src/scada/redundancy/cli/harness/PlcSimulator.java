package scada.redundancy.cli.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.net.AbstractModbusListener;
import com.ghgande.j2mod.modbus.procimg.ProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalIn;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalOut;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;

import scada.redundancy.project.Area;
import scada.redundancy.project.DataType;
import scada.redundancy.project.Project;
import scada.redundancy.project.ProjectException;
import scada.redundancy.project.ProjectReader;
import scada.redundancy.project.Tag;

/**
 * A Modbus TCP PLC on loopback for tests and the demo: it serves every tag address of a project
 * with values that change (float32 tags follow a sine, integers ramp, bits toggle) and counts
 * requests per client address, so that a test can prove which server polls.
 * <p>
 * j2mod's own slave ({@code ModbusSlaveFactory}) answers from a process image but never says who
 * asked, so the accept loop is here (one thread per connection) and j2mod does the rest: its
 * transport reads and writes the frames, its request classes answer from its
 * {@link SimpleProcessImage}. Every unit id is answered.
 */
public final class PlcSimulator implements AutoCloseable {
    /** How often the simulated values move. */
    static final Duration TICK = Duration.ofMillis(100);

    /** What one client address did. */
    public record ClientStats(long requests, int openConnections, long connections) {
    }

    private static final class Counters {
        final AtomicLong requests = new AtomicLong();
        final AtomicInteger open = new AtomicInteger();
        final AtomicLong connections = new AtomicLong();
    }

    private final List<Tag> tags;
    private final SimpleProcessImage image = new SimpleProcessImage();
    private final ServerSocket server;
    private final Thread acceptor;
    private final ScheduledExecutorService ticker;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Map<String, Counters> counters = new ConcurrentHashMap<>();
    private final Map<String, Double> pinned = new ConcurrentHashMap<>();
    private final long startNanos = System.nanoTime();
    /** Notified at every request and every connection opened or closed: tests wait on it. */
    private final Object activity = new Object();
    private volatile boolean stalled;
    private volatile boolean closed;

    /** Serves {@code tags} on {@code bind}:{@code port} (0: any free port). */
    public PlcSimulator(List<Tag> tags, InetAddress bind, int port) throws IOException {
        this.tags = List.copyOf(tags);
        size(Area.COIL, () -> image.addDigitalOut(new SimpleDigitalOut(false)));
        size(Area.DISCRETE_INPUT, () -> image.addDigitalIn(new SimpleDigitalIn(false)));
        size(Area.INPUT_REGISTER, () -> image.addInputRegister(new SimpleInputRegister(0)));
        size(Area.HOLDING_REGISTER, () -> image.addRegister(new SimpleRegister(0)));
        update();
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, port), 50);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "plc-sim-values"));
        ticker.scheduleAtFixedRate(this::update, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        acceptor = daemon(this::accept, "plc-sim-accept " + bind.getHostAddress() + ":" + port());
        acceptor.start();
    }

    /** A simulator for every tag of the project in {@code projectDir}. */
    public static PlcSimulator forProject(Path projectDir, String bind, int port) throws IOException, ProjectException {
        Project project = ProjectReader.read(projectDir);
        return new PlcSimulator(project.tags(), InetAddress.getByName(bind), port);
    }

    private void size(Area area, Runnable add) {
        int end = tags.stream().filter(t -> t.area() == area).mapToInt(t -> t.offset() + t.span()).max().orElse(0);
        for (int i = 0; i < end; i++) {
            add.run();
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Requests, connections open now and connections made, by client address. */
    public Map<String, ClientStats> stats() {
        Map<String, ClientStats> s = new TreeMap<>();
        counters.forEach((a, c) -> s.put(a, new ClientStats(c.requests.get(), c.open.get(), c.connections.get())));
        return s;
    }

    /** The requests from one client address so far. */
    public long requestsFrom(String address) {
        Counters c = counters.get(address);
        return c == null ? 0 : c.requests.get();
    }

    /** Connections from one address open now. */
    public int openConnectionsFrom(String address) {
        Counters c = counters.get(address);
        return c == null ? 0 : c.open.get();
    }

    /** Waits until {@code address} has sent at least {@code atLeast} requests; false on timeout. */
    public boolean awaitRequests(String address, long atLeast, Duration timeout) throws InterruptedException {
        return await(() -> requestsFrom(address) >= atLeast, timeout);
    }

    /** Waits until {@code address} has exactly {@code count} connections open; false on timeout. */
    public boolean awaitOpenConnections(String address, int count, Duration timeout) throws InterruptedException {
        return await(() -> openConnectionsFrom(address) == count, timeout);
    }

    private boolean await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (activity) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(activity, left);
            }
            return true;
        }
    }

    private void signal() {
        synchronized (activity) {
            activity.notifyAll();
        }
    }

    /** Stalled: requests are read and counted, never answered (a PLC that hangs: clients time out). */
    public void stall(boolean stall) {
        this.stalled = stall;
    }

    /** Fixes a tag's engineering value (its simulation stops) so that a test can check what a client reads. */
    public void pin(String tag, double value) {
        pinned.put(tag, value);
        update();
    }

    /** Drops every client connection (the PLC restarted); the listener stays. */
    public void dropConnections() {
        for (Socket s : clients) {
            closeQuietly(s);
        }
    }

    /** The value a tag has at {@code seconds} since start, before scaling (the raw value). */
    private double simulated(int index, Tag tag, double seconds) {
        Double fixed = pinned.get(tag.name());
        if (fixed != null) {
            return tag.type() == DataType.BOOL ? fixed : tag.scaling().invert(fixed);
        }
        return switch (tag.type()) {
        case BOOL -> ((long) (seconds / (1 + index % 3))) % 2;
        case FLOAT32 -> tag.scaling().invert(50 + 25 * Math.sin(2 * Math.PI * seconds / 20 + index));
        case INT16, UINT16 -> ((long) (seconds * 10) * (index % 5 + 1)) % 1000;
        case INT32 -> (long) (seconds * 10);
        };
    }

    private void update() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        synchronized (image) {
            for (int i = 0; i < tags.size(); i++) {
                Tag t = tags.get(i);
                double raw = simulated(i, t, seconds);
                switch (t.area()) {
                case COIL -> image.getDigitalOut(t.offset()).set(raw != 0);
                case DISCRETE_INPUT -> ((SimpleDigitalIn) image.getDigitalIn(t.offset())).set(raw != 0);
                case INPUT_REGISTER, HOLDING_REGISTER -> {
                    int[] words = t.type().encode(raw);
                    for (int w = 0; w < words.length; w++) {
                        if (t.area() == Area.HOLDING_REGISTER) {
                            image.getRegister(t.offset() + w).setValue(words[w]);
                        } else {
                            ((SimpleInputRegister) image.getInputRegister(t.offset() + w)).setValue(words[w]);
                        }
                    }
                }
                }
            }
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                clients.add(s);
                String address = s.getInetAddress().getHostAddress();
                Counters c = counters.computeIfAbsent(address, a -> new Counters());
                c.connections.incrementAndGet();
                c.open.incrementAndGet();
                signal();
                daemon(() -> serve(s, c), "plc-sim-client " + address + ":" + s.getPort()).start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("plc-sim: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket socket, Counters c) {
        ImageListener listener = new ImageListener();
        try {
            ModbusTCPTransport transport = new ModbusTCPTransport(socket);
            transport.setTimeout(0); // an idle client (a warm standby) may stay as long as it likes
            while (!closed && !socket.isClosed()) {
                ModbusRequest request = transport.readRequest(listener);
                c.requests.incrementAndGet();
                signal();
                if (stalled) {
                    continue;
                }
                ModbusResponse response;
                synchronized (image) {
                    response = request.createResponse(listener);
                }
                transport.writeResponse(response);
            }
        } catch (ModbusIOException e) {
            // the client went away, or sent garbage: drop it, as a PLC does
            if (!e.isEOF() && !closed && !socket.isClosed()) {
                System.err.println("plc-sim: dropped " + socket.getRemoteSocketAddress() + ": " + e.getMessage());
            }
        } catch (RuntimeException e) {
            System.err.println("plc-sim: dropped " + socket.getRemoteSocketAddress() + ": " + e);
        } finally {
            c.open.decrementAndGet();
            clients.remove(socket);
            closeQuietly(socket);
            signal();
        }
    }

    /** Hands j2mod's request classes the simulator's image, whatever the unit id. */
    private final class ImageListener extends AbstractModbusListener {
        @Override
        public ProcessImage getProcessImage(int unitId) {
            return image;
        }

        @Override
        public void run() {
            // not a listener of its own: the simulator accepts
        }

        @Override
        public void stop() {
            // nothing runs
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    /** Stops listening and drops every client. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        dropConnections();
        ticker.shutdownNow();
        acceptor.join(2000);
    }
}
