// Ink imports react-devtools-core only when DEV=true, to connect to React DevTools; the package is
// an optional peer that is not installed. The bundle gets this stand-in so it resolves.
export default { initialize() {}, connectToDevTools() {} };
