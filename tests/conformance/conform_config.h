/*
 * What the conformance rows assume of the client's connection (conform.h):
 * kept apart, without includes, so that the virtualiser's config source for
 * the conformance system (conform_virt_config.c) can use the same numbers.
 */
#pragma once

#define CONFORM_DATA_SIZE     (1u << 20)    /* bytes of the client's data region */
#define CONFORM_MAX_RESOURCES 32u           /* its resource ids: 1..32 */
#define CONFORM_MAX_MEMORY    (64ull << 20) /* its device-memory budget */
