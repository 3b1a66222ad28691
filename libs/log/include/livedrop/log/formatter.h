#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>

#include "livedrop/log/log.h"

namespace livedrop::log {

// The line formatter Init() installs; exposed so a custom sink (tests, files) can use it.
std::unique_ptr<spdlog::formatter> MakeFormatter(const std::string& service, Format format);

// The formatter of the last Init() (text, service "livedrop" before any): what a second
// logger of the process (the access log) formats with.
std::unique_ptr<spdlog::formatter> InstalledFormatter();

}  // namespace livedrop::log
