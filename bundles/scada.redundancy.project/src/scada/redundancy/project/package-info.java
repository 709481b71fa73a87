/**
 * A SCADA project: the files a runtime server runs, in one folder.
 *
 * <pre>
 * plant/
 *   project.json        name, version, description, and the PLCs (connections) the tags use
 *   tags/*.json         the tags, in as many files as suit the plant (one per unit, say)
 *   screens/            operator screens (any files; the runtime only fingerprints them)
 *   scripts/            scripts (any files; the runtime only fingerprints them)
 * </pre>
 *
 * <b>project.json</b>
 * <pre>
 * { "name": "plant", "version": "1.0.0", "description": "optional",
 *   "plcs": [ { "name": "boiler-plc", "host": "127.0.0.1", "port": 502, "unitId": 1,
 *               "connectTimeoutMs": 2000, "readTimeoutMs": 1000 } ] }
 * </pre>
 * A PLC is one Modbus TCP connection: {@code port} defaults to 502, {@code unitId} (0-255) to 1,
 * the timeouts (100-60000 ms) to 2000 and 1000.
 *
 * <p><b>tags/*.json</b>
 * <pre>
 * { "tags": [ { "name": "boiler/temperature", "plc": "boiler-plc",
 *               "area": "holding-register", "offset": 0, "type": "float32",
 *               "scale": { "factor": 0.1, "offset": 0 }, "unit": "°C",
 *               "pollMs": 500, "description": "optional" } ] }
 * </pre>
 * {@code area} is one of {@code coil}, {@code discrete-input}, {@code input-register},
 * {@code holding-register}; {@code offset} is the 0-based Modbus address (register 40001 is
 * holding-register 0). {@code type} is {@code bool} (the only type of coils and discrete
 * inputs, and its default there), {@code int16}, {@code uint16}, {@code int32} or
 * {@code float32}; 32-bit types take two registers, high word first (big-endian, "ABCD"). The
 * engineering value is raw × factor + offset (no scaling on bool). {@code pollMs} (50 ms to
 * 1 hour) defaults to 1000. Tag names are unique in the project.
 *
 * <p>{@link ProjectReader#read} reads and checks a project and reports every problem it finds at
 * once, each with its file, line and field. {@link ProjectFingerprint#of} is the value partners
 * compare (Verify): every file counts, screens and scripts included.
 */
package scada.redundancy.project;
