package scada.redundancy.modbus.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import com.ghgande.j2mod.modbus.msg.ExceptionResponse;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadCoilsRequest;
import com.ghgande.j2mod.modbus.msg.ReadCoilsResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputDiscretesRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputDiscretesResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;

import scada.redundancy.project.Area;
import scada.redundancy.project.Plc;

/**
 * One Modbus TCP connection to a PLC, used by one thread. j2mod's {@code TCPMasterConnection}
 * cannot bind the local address and connects without a timeout of its own, so the socket is made
 * here (bound to the server's address when asked, connected with the PLC's connect timeout) and
 * handed to j2mod's transport, which frames the requests; every read is bounded by the PLC's read
 * timeout.
 */
final class ModbusConnection implements AutoCloseable {
    /** The PLC answered with a Modbus exception: the connection is fine, the request was refused. */
    static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** The PLC did not answer within the read timeout. */
    static final class NoAnswerException extends IOException {
        private static final long serialVersionUID = 1L;

        NoAnswerException(String message) {
            super(message);
        }
    }

    private final Plc plc;
    private final Socket socket;
    private final ModbusTCPTransport transport;
    private int transactionId;

    private ModbusConnection(Plc plc, Socket socket, ModbusTCPTransport transport) {
        this.plc = plc;
        this.socket = socket;
        this.transport = transport;
    }

    /**
     * Connects within the PLC's connect timeout.
     *
     * @param source the local address to connect from, or null for the system's choice
     */
    static ModbusConnection open(Plc plc, InetAddress source) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            if (source != null) {
                socket.bind(new InetSocketAddress(source, 0));
            }
            socket.connect(new InetSocketAddress(plc.host(), plc.port()), plc.connectTimeoutMs());
            ModbusTCPTransport transport = new ModbusTCPTransport(socket);
            transport.setTimeout(plc.readTimeoutMs());
            return new ModbusConnection(plc, socket, transport);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Reads {@code count} registers or bits from {@code offset}; registers come back as 0..65535,
     * bits as 0 or 1.
     */
    int[] read(Area area, int offset, int count) throws IOException, RefusedException {
        ModbusRequest request = switch (area) {
        case COIL -> new ReadCoilsRequest(offset, count);
        case DISCRETE_INPUT -> new ReadInputDiscretesRequest(offset, count);
        case INPUT_REGISTER -> new ReadInputRegistersRequest(offset, count);
        case HOLDING_REGISTER -> new ReadMultipleRegistersRequest(offset, count);
        };
        ModbusResponse response = exchange(request, area.jsonName() + " " + offset + "+" + count);
        int[] values = new int[count];
        if (response instanceof ReadCoilsResponse r) {
            for (int i = 0; i < count; i++) {
                values[i] = r.getCoilStatus(i) ? 1 : 0;
            }
        } else if (response instanceof ReadInputDiscretesResponse r) {
            for (int i = 0; i < count; i++) {
                values[i] = r.getDiscreteStatus(i) ? 1 : 0;
            }
        } else if (response instanceof ReadInputRegistersResponse r) {
            checkCount(r.getWordCount(), count);
            for (int i = 0; i < count; i++) {
                values[i] = r.getRegisterValue(i);
            }
        } else if (response instanceof ReadMultipleRegistersResponse r) {
            checkCount(r.getWordCount(), count);
            for (int i = 0; i < count; i++) {
                values[i] = r.getRegisterValue(i);
            }
        } else {
            throw new IOException(plc.describe() + " answered " + response.getClass().getSimpleName() + " to a read of "
                    + area.jsonName() + ": the connection is out of step");
        }
        return values;
    }

    private void checkCount(int got, int asked) throws IOException {
        if (got != asked) {
            throw new IOException(plc.describe() + " sent " + got + " registers for " + asked + " asked");
        }
    }

    private ModbusResponse exchange(ModbusRequest request, String what) throws IOException, RefusedException {
        int id = transactionId = (transactionId + 1) & 0xFFFF;
        request.setTransactionID(id);
        request.setUnitID(plc.unitId());
        ModbusResponse response;
        try {
            transport.writeRequest(request);
            response = transport.readResponse();
        } catch (ModbusIOException e) {
            // j2mod wraps the socket's timeout and keeps only its text.
            String text = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (e.getCause() instanceof SocketTimeoutException || text.contains("timeout") || text.contains("timed out")) {
                throw new NoAnswerException(plc.describe() + " did not answer a read of " + what + " within "
                        + plc.readTimeoutMs() + " ms");
            }
            throw new IOException(plc.describe() + ": connection lost (" + e.getMessage() + ")", e);
        }
        if (response.getTransactionID() != id) {
            // A late answer to an earlier, timed-out request: the stream can no longer be trusted.
            throw new IOException(plc.describe() + " answered transaction " + response.getTransactionID() + " to " + id
                    + ": the connection is out of step");
        }
        if (response instanceof ExceptionResponse ex) {
            throw new RefusedException(plc.describe() + " refused a read of " + what + " (Modbus exception "
                    + ex.getExceptionCode() + ")");
        }
        return response;
    }

    /**
     * Waits up to {@code waitMs} for the PLC to close the idle connection (a warm standby holds
     * it without polling). Nothing is expected from the PLC; any byte means the stream is out of
     * step.
     *
     * @return false if the connection is gone (closed by the PLC, reset, or stray bytes)
     */
    boolean stillOpen(int waitMs) {
        try {
            socket.setSoTimeout(waitMs);
            InputStream in = socket.getInputStream();
            in.read();
            return false; // -1: closed; anything else: a stray byte
        } catch (SocketTimeoutException quiet) {
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(plc.readTimeoutMs());
                }
            } catch (IOException e) {
                // closed meanwhile: the next use finds out
            }
        }
    }

    /** Closing from another thread is allowed: a read blocked on the socket then ends at once. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
