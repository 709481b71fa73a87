/**
 * The plant's live tag values on this server, for the services that show or serve them (the
 * OPC UA server, status pages).
 * <p>
 * {@link TagValues} is a service that exists while a project is loaded (on every server of a
 * redundancy set, primary or not). Only the server that polls the PLCs has fresh values: the
 * others report {@link Quality#BAD_WAITING_FOR_INITIAL_DATA} (never polled here) or
 * {@link Quality#UNCERTAIN_LAST_USABLE_VALUE} (polled here until this server stopped being
 * primary); {@link TagValues#polling()} says which case holds. Changes are pushed to every
 * {@link TagValueListener} registered as a service (whiteboard).
 * <p>
 * Qualities are OPC UA StatusCodes (Part 4 §7.34, Part 6 A.2), so that a server can pass them on
 * unchanged.
 */
package scada.redundancy.plant;
