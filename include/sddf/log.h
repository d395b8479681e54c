/*
 * Logging for component code. Every line carries a "COMPONENT|LEVEL: "
 * prefix; define SDDF_LOG_COMPONENT before including this header. Debug logs
 * compile out unless SDDF_DEBUG is defined, but stay type-checked.
 *
 * sddf_log() is provided by the platform (Microkit debug output, the QEMU
 * runtime's UART, stderr on Linux) or by a test program.
 */
#pragma once

#ifndef SDDF_LOG_COMPONENT
#error "define SDDF_LOG_COMPONENT (e.g. \"GPU_VIRT\") before including sddf/log.h"
#endif

void sddf_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#ifdef SDDF_DEBUG
#define SDDF_DEBUG_ENABLED 1
#else
#define SDDF_DEBUG_ENABLED 0
#endif

#define LOG_ERR(...)  sddf_log(SDDF_LOG_COMPONENT "|ERROR: " __VA_ARGS__)
#define LOG_WARN(...) sddf_log(SDDF_LOG_COMPONENT "|WARN: " __VA_ARGS__)
#define LOG_INFO(...) sddf_log(SDDF_LOG_COMPONENT "|INFO: " __VA_ARGS__)
#define LOG_DBG(...)                                                                                                   \
    do {                                                                                                               \
        if (SDDF_DEBUG_ENABLED) {                                                                                      \
            sddf_log(SDDF_LOG_COMPONENT "|DEBUG: " __VA_ARGS__);                                                       \
        }                                                                                                              \
    } while (0)
