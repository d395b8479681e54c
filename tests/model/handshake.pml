/*
 * Promela model of one SPSC queue of <sddf/gpu/queue.h> and its notification
 * handshake ("arm, re-check, cancel"), in both directions:
 *
 *   - the consumer, finding the queue empty, arms consumer_signal, re-checks
 *     tail, and either cancels (entries arrived) or goes idle until notified;
 *     the producer, after publishing tail, takes consumer_signal and notifies;
 *   - the producer, finding the queue full, arms producer_signal, re-checks
 *     head, and either cancels (space appeared) or goes idle until notified;
 *     the consumer, after releasing head, takes producer_signal and notifies.
 *
 * Each statement that touches shared memory is one atomic step, in the order
 * queue.h performs them. Interleaving these steps is sequential consistency:
 * that is what the seq_cst fences F1 (after the flag store in
 * gpu_signal_arm()) and F2 (before the flag load in gpu_signal_take()) buy for
 * the store-load pairs "flag store; index load" and "index store; flag load".
 * The acquire/release pairs on the indices give the slot accesses the same
 * ordering. See tests/model/README.md.
 *
 * A Microkit notification is a binary semaphore: notify sets a pending bit
 * (a second notify before delivery is lost in the bit), and an idle PD
 * continues only by consuming the bit.
 *
 * Batch sizes are chosen freely (1..MAXBATCH) at every push and pop, and the
 * cached peer index is refreshed only when the cached value does not allow the
 * whole batch, as gpu_queue_push()/gpu_queue_pop() do.
 *
 * Checked by tests/model/check.sh:
 *   safety:   no assertion fails (entries arrive in order, the fill level stays
 *             within 0..CAP) and no invalid end state (a side idle forever
 *             while the other is blocked or done with entries left);
 *   liveness: LTL all_consumed, every entry is eventually consumed, on every
 *             path (there are no cycles in which nothing is consumed).
 *
 * handshake_broken.pml includes this file with one of the BROKEN_* macros
 * defined; spin must then find an error.
 */

#ifndef ITEMS
#define ITEMS 6 /* entries the producer enqueues in all */
#endif
#ifndef CAP
#define CAP 2 /* queue capacity */
#endif
#ifndef MAXBATCH
#define MAXBATCH 3 /* largest batch asked for at once */
#endif

/* Shared memory: gpu_queue_shared_t and the slots. ITEMS < 256, so the indices never wrap here. */
byte tail = 0;           /* written by the producer only */
byte head = 0;           /* written by the consumer only */
bit consumer_signal = 0; /* the consumer asks for a notification on the next publish */
bit producer_signal = 0; /* the producer asks for a notification on the next release */
byte slot[CAP];

/* Microkit notifications: the pending bit of each PD's channel from the other. */
bit notify_consumer = 0;
bit notify_producer = 0;

ltl all_consumed { <> (head == ITEMS) }

active proctype producer()
{
    byte own = 0;    /* q->own: our tail */
    byte cached = 0; /* q->cached: last head read */
    byte want, count, i;
    bit old;

    do
    :: own == ITEMS -> break
    :: else ->
        /* gpu_queue_push(): a batch of up to `want` entries */
        select (want : 1 .. MAXBATCH);
        if
        :: want > ITEMS - own -> want = ITEMS - own
        :: else
        fi;
        if
        :: CAP - (own - cached) < want -> cached = head /* A2: gpu_queue_producer_refresh() */
        :: else
        fi;
        assert(own - cached <= CAP);
        count = CAP - (own - cached);
        if
        :: count > want -> count = want
        :: else
        fi;
        if
        :: count > 0 ->
            i = 0;
            do
            :: i < count -> slot[(own + i) % CAP] = own + i; i++
            :: else -> break
            od;
            own = own + count;
            tail = own; /* R1: gpu_queue_producer_publish() */
            /* gpu_queue_producer_must_signal(): F2, flag load, then exchange */
            if
            :: consumer_signal == 1 ->
                atomic { old = consumer_signal; consumer_signal = 0 };
                if
                :: old == 1 -> notify_consumer = 1
                :: else
                fi
            :: else
            fi
        :: else ->
            /* full: gpu_queue_producer_arm() */
#if defined(BROKEN_NO_FENCE)
            cached = head;       /* without F1 the re-check load may pass the flag store */
            producer_signal = 1;
#elif defined(BROKEN_PRODUCER_NO_RECHECK)
            producer_signal = 1;
            skip;                /* no re-check: trust the stale head */
#else
            producer_signal = 1; /* flag store, then F1 */
            cached = head;       /* re-check: gpu_queue_space() */
#endif
            if
            :: CAP - (own - cached) > 0 -> producer_signal = 0 /* cancel */
            :: else -> atomic { notify_producer == 1 -> notify_producer = 0 } /* idle until notified */
            fi
        fi
    od
}

active proctype consumer()
{
    byte own = 0;    /* q->own: our head */
    byte cached = 0; /* q->cached: last tail read */
    byte want, count, i;
    bit old;

    do
    :: own == ITEMS -> break
    :: else ->
        /* gpu_queue_pop(): a batch of up to `want` entries */
        select (want : 1 .. MAXBATCH);
        if
        :: cached - own < want -> cached = tail /* A1: gpu_queue_consumer_refresh() */
        :: else
        fi;
        assert(cached - own <= CAP);
        count = cached - own;
        if
        :: count > want -> count = want
        :: else
        fi;
        if
        :: count > 0 ->
            i = 0;
            do
            :: i < count -> assert(slot[(own + i) % CAP] == own + i); i++
            :: else -> break
            od;
            own = own + count;
            head = own; /* R2: gpu_queue_consumer_release() */
            /* gpu_queue_consumer_must_signal(): F2, flag load, then exchange */
            if
            :: producer_signal == 1 ->
                atomic { old = producer_signal; producer_signal = 0 };
                if
                :: old == 1 -> notify_producer = 1
                :: else
                fi
            :: else
            fi
        :: else ->
            /* empty: gpu_queue_consumer_arm() */
#if defined(BROKEN_NO_FENCE)
            cached = tail;       /* without F1 the re-check load may pass the flag store */
            consumer_signal = 1;
#elif defined(BROKEN_NO_RECHECK)
            consumer_signal = 1;
            skip;                /* no re-check: trust the stale tail */
#else
            consumer_signal = 1; /* flag store, then F1 */
            cached = tail;       /* re-check: gpu_queue_length() */
#endif
            if
            :: cached - own > 0 -> consumer_signal = 0 /* cancel */
            :: else -> atomic { notify_consumer == 1 -> notify_consumer = 0 } /* idle until notified */
            fi
        fi
    od;
    assert(own == ITEMS && tail == ITEMS)
}
