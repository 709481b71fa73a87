// Runs at the end of each shift: the pieces produced and the boiler's peak temperature.
// (The runtime only fingerprints scripts today; a scripting engine is not part of Duplex.)
function shiftReport(history) {
  return {
    pieces: history.last("line/count"),
    peakTemperature: history.max("boiler/temperature")
  };
}
