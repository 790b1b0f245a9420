// libFuzzer's driver entry point (compiler-rt FuzzerInterface.h). SwiftPM gives every executable a Swift main,
// so each fuzz target calls this from its main.swift instead of linking libFuzzer's own main.
#pragma once
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
