/**
 * How the plant's services record history: tag values and log entries (alarms, events, audit)
 * go through {@link scada.redundancy.history.HistoryWriter}; DB sync stores them and replicates
 * them to the partners. Drivers, alarm servers and the audit depend on this package only.
 */
package scada.redundancy.history;
