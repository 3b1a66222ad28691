#pragma once

#include <chrono>
#include <functional>
#include <optional>

namespace livedrop {

// Call first thing in main(), before any thread starts: blocks SIGINT and SIGTERM in every
// thread so that WaitForShutdownSignal() alone receives them (no async-signal-safety traps).
void BlockShutdownSignals();

// Blocks until SIGINT or SIGTERM arrives; returns the signal number.
int WaitForShutdownSignal();

// Waits until `done` holds (checked every `poll`) or SIGINT/SIGTERM arrives: nullopt once
// `done`, else the signal. For start-up steps that must not outlive a stop request.
std::optional<int> WaitUntilOrShutdownSignal(const std::function<bool()>& done,
                                             std::chrono::milliseconds poll);

}  // namespace livedrop
