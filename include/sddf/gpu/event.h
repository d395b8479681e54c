/*
 * The display-info event (gpu_event_t in protocol.h): raised by a server
 * (driver or virtualiser), taken by its client.
 *
 * Raise: bump `generation`, then set `pending`, both release (E1); the
 * notification follows. Take: exchange `pending` with 0, acquire (E2 pairs
 * with E1), then read `generation`. A client that takes the event and then
 * asks GET_DISPLAY_INFO sees display info at least as new as the event.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sddf/gpu/protocol.h>

/* Server: record that display info changed. The caller then notifies the client. */
static inline void gpu_event_raise(gpu_event_t *ev)
{
    __atomic_fetch_add(&ev->generation, 1, __ATOMIC_RELEASE); /* E1 */
    __atomic_store_n(&ev->pending, 1, __ATOMIC_RELEASE);      /* E1: pairs with E2 */
}

/*
 * Client: take a pending event. Returns true if one was pending; *generation
 * (if not NULL) receives the event counter, so a client can tell how many it
 * missed.
 */
static inline bool gpu_event_take(gpu_event_t *ev, uint32_t *generation)
{
    bool was_pending = __atomic_exchange_n(&ev->pending, 0, __ATOMIC_ACQUIRE) != 0; /* E2: pairs with E1 */
    if (generation != NULL) {
        *generation = __atomic_load_n(&ev->generation, __ATOMIC_ACQUIRE);
    }
    return was_pending;
}
