/*
 * The deliberately broken twin of handshake.pml: the same model with one
 * mistake in the "arm, re-check, cancel" protocol, which spin must reject
 * (check spin-handshake-broken). The mistake is chosen by a macro:
 *
 *   BROKEN_NO_RECHECK (default)  the consumer arms and goes idle without
 *                                re-reading tail: an entry published between
 *                                its last look and the flag store is never
 *                                signalled, and it sleeps forever;
 *   BROKEN_NO_FENCE              both sides re-check, but without the seq_cst
 *                                fence F1 the re-check load can be satisfied
 *                                before the flag store is visible to the peer
 *                                (store buffering), modelled by swapping them;
 *   BROKEN_PRODUCER_NO_RECHECK   the same as the first, in the space-waiting
 *                                direction: a full producer arms and waits
 *                                without re-reading head.
 */
#if !defined(BROKEN_NO_FENCE) && !defined(BROKEN_PRODUCER_NO_RECHECK)
#define BROKEN_NO_RECHECK
#endif
#include "handshake.pml"
