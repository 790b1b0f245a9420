import FuzzSupport

// Placeholder until the parser lands.
runFuzzer { _ in }
