#pragma once

namespace livedrop {

// Call first thing in main(), before any thread starts: blocks SIGINT and SIGTERM in every
// thread so that WaitForShutdownSignal() alone receives them (no async-signal-safety traps).
void BlockShutdownSignals();

// Blocks until SIGINT or SIGTERM arrives; returns the signal number.
int WaitForShutdownSignal();

}  // namespace livedrop
