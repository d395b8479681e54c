/*
 * Two-thread stress test of <sddf/gpu/queue.h> with the real notification
 * handshake. Built with ThreadSanitizer (check queue-stress-tsan) and plainly
 * with -O2 (check queue-stress).
 *
 * Two threads play two protection domains joined like a client and the
 * virtualiser: the "client" enqueues requests (gpu_req_t) and dequeues
 * responses (gpu_resp_t); the "server" dequeues each request, checks it and
 * answers it. Each thread owns a POSIX semaphore that stands for its
 * notification channel. A thread that can make no progress arms the queues it
 * waits on (gpu_queue_consumer_arm() when a queue it reads is empty,
 * gpu_queue_producer_arm() when a queue it writes is full) and, only if every
 * arm says "still blocked", sleeps in sem_timedwait(). After publishing or
 * releasing, a thread asks gpu_queue_producer_must_signal() /
 * gpu_queue_consumer_must_signal() and posts the peer's semaphore once per
 * step if either says so. A wait that times out is a lost wakeup and fails the
 * test. Every entry's order and full content are checked on arrival. Batch
 * sizes vary pseudo-randomly (1 to more than a queue's capacity), and the
 * server takes a request only when the response queue has room for its answer
 * (the virtualiser's rule), so both queues run full and empty often.
 *
 * ThreadSanitizer and fences: TSan models acquire/release on atomic variables
 * but treats a standalone atomic_thread_fence as a plain hardware fence
 * without happens-before edges. The queue's data (the slots) is ordered only
 * by the release store of an index and the acquire load of it (R1/A1,
 * R2/A2), which TSan models exactly; the seq_cst fences F1/F2 order only
 * atomic flag and index accesses against each other (a store-load ordering,
 * which is not a data race question at all). So the fences cannot cause a
 * false report here, and none is suppressed. What TSan cannot check (that F1/F2
 * rule out the store-buffering outcome) is what the lost-wakeup timeout here
 * and the Promela model in tests/model/ are for.
 *
 * Usage: queue_stress [-n ENTRIES] [-t TIMEOUT_SECONDS] [--broken-arm]
 * --broken-arm replaces the server's consumer arm by one that sets the flag
 * and sleeps without the re-check, to show that this test catches the lost
 * wakeup that results.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sddf/gpu/queue.h>

#define REQ_CAPACITY  64u
#define RESP_CAPACITY 32u
#define MAX_BATCH     100u

typedef struct pd {
    const char *name;
    sem_t notification;
    uint64_t posts_sent; /* notifications this thread sent to its peer */
    uint64_t sleeps;     /* times this thread waited for a notification */
    uint64_t pending;    /* ... of which the notification was already pending */
} pd_t;

static struct {
    uint64_t entries;
    int timeout_s;
    int broken_arm;
    _Alignas(GPU_CACHE_LINE) uint8_t req_region[GPU_QUEUE_REGION_SIZE(REQ_CAPACITY, sizeof(gpu_req_t))];
    _Alignas(GPU_CACHE_LINE) uint8_t resp_region[GPU_QUEUE_REGION_SIZE(RESP_CAPACITY, sizeof(gpu_resp_t))];
    pd_t client;
    pd_t server;
} g;

/* Report the first failure and end the process; a second failing thread waits here forever. */
static void fail(const char *what, uint64_t seq)
{
    static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&once);
    printf("not ok 1 - %s (entry %" PRIu64 ")\n", what, seq);
    fflush(stdout);
    exit(1);
}

/* The content every party expects for request number `seq`. */
static void request_for(uint64_t seq, gpu_req_t *r)
{
    r->code = 1 + (uint32_t)(seq % GPU_REQ_MAX);
    r->id = (uint32_t)seq;
    for (size_t i = 0; i < sizeof(r->raw) / sizeof(uint64_t); i++) {
        uint64_t word = (seq + 1) * 0x9e3779b97f4a7c15ull + i;
        memcpy(&r->raw[i * sizeof(uint64_t)], &word, sizeof(word));
    }
}

static void response_for(uint64_t seq, gpu_resp_t *r)
{
    r->code = 1 + (uint32_t)(seq % GPU_REQ_MAX);
    r->id = (uint32_t)seq;
    r->status = (uint32_t)(seq * 2654435761u) >> 28;
    r->_pad = (uint32_t)(seq >> 32);
}

static uint32_t next_batch(uint64_t *rng)
{
    static const uint32_t sizes[] = {1, 1, 2, 3, 5, 8, 16, 31, 32, 33, 64, MAX_BATCH};
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    return sizes[*rng % (sizeof(sizes) / sizeof(sizes[0]))];
}

static uint32_t min_u32(uint64_t a, uint64_t b)
{
    return (uint32_t)(a < b ? a : b);
}

static void notify(pd_t *from, pd_t *to)
{
    from->posts_sent++;
    sem_post(&to->notification);
}

/* Sleep until notified; a timeout is a lost wakeup. `done`: entries this thread has finished. */
static void wait_notified(pd_t *self, gpu_queue_t *req, gpu_queue_t *resp, uint64_t done)
{
    self->sleeps++;
    if (sem_trywait(&self->notification) == 0) {
        self->pending++;
        return;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += g.timeout_s;
    while (sem_timedwait(&self->notification, &deadline) != 0) {
        if (errno == ETIMEDOUT) {
            gpu_queue_shared_t *rq = req->shared, *rs = resp->shared;
            printf("# LOST WAKEUP: %s slept %d s; req tail %u head %u flags c%u p%u; "
                   "resp tail %u head %u flags c%u p%u\n",
                   self->name, g.timeout_s, __atomic_load_n(&rq->tail, __ATOMIC_RELAXED),
                   __atomic_load_n(&rq->head, __ATOMIC_RELAXED),
                   __atomic_load_n(&rq->consumer_signal, __ATOMIC_RELAXED),
                   __atomic_load_n(&rq->producer_signal, __ATOMIC_RELAXED),
                   __atomic_load_n(&rs->tail, __ATOMIC_RELAXED), __atomic_load_n(&rs->head, __ATOMIC_RELAXED),
                   __atomic_load_n(&rs->consumer_signal, __ATOMIC_RELAXED),
                   __atomic_load_n(&rs->producer_signal, __ATOMIC_RELAXED));
            fail("LOST WAKEUP", done);
        }
        if (errno != EINTR) {
            fail("sem_timedwait failed", done);
        }
    }
}

/* The mistake --broken-arm demonstrates: arm, but sleep without re-checking. */
static bool broken_consumer_arm(gpu_queue_t *q)
{
    __atomic_store_n(&q->shared->consumer_signal, 1, __ATOMIC_SEQ_CST);
    return true;
}

/* Client: one round of sending. Returns true if it enqueued anything. */
static bool client_send(gpu_queue_t *req, uint64_t *sent, uint64_t *rng)
{
    gpu_req_t batch[MAX_BATCH];
    uint32_t want = min_u32(next_batch(rng), g.entries - *sent);
    if (want == 0) {
        return false;
    }
    for (uint32_t i = 0; i < want; i++) {
        request_for(*sent + i, &batch[i]);
    }
    uint32_t n = gpu_req_enqueue_batch(req, batch, want);
    *sent += n;
    return n != 0;
}

/* Client: one round of receiving. Returns true if it dequeued anything. */
static bool client_receive(gpu_queue_t *resp, uint64_t *received, uint64_t *rng)
{
    gpu_resp_t batch[MAX_BATCH], expect;
    uint32_t n = gpu_resp_dequeue_batch(resp, batch, next_batch(rng));
    for (uint32_t i = 0; i < n; i++) {
        response_for(*received + i, &expect);
        if (memcmp(&batch[i], &expect, sizeof(expect)) != 0) {
            fail("response out of order or corrupt", *received + i);
        }
    }
    *received += n;
    return n != 0;
}

static void *client_main(void *arg)
{
    (void)arg;
    gpu_queue_t req, resp;
    uint64_t sent = 0, received = 0, rng = 0x1234567887654321ull;
    gpu_queue_init(&req, g.req_region, REQ_CAPACITY, true);
    gpu_queue_init(&resp, g.resp_region, RESP_CAPACITY, false);
    while (received < g.entries) {
        bool sent_some = client_send(&req, &sent, &rng);
        bool got_some = client_receive(&resp, &received, &rng);
        bool signal = sent_some && gpu_queue_producer_must_signal(&req);
        signal = (got_some && gpu_queue_consumer_must_signal(&resp)) || signal;
        if (signal) {
            notify(&g.client, &g.server);
        }
        if (sent_some || got_some) {
            continue;
        }
        /* Blocked: no response to read and (all sent or no room for a request). */
        if (gpu_queue_consumer_arm(&resp) && (sent == g.entries || gpu_queue_producer_arm(&req))) {
            wait_notified(&g.client, &req, &resp, received);
        }
    }
    return NULL;
}

/* Server: take requests (as many as the response queue has room for) and answer them. */
static uint32_t server_step(gpu_queue_t *req, gpu_queue_t *resp, uint64_t handled, uint64_t *rng)
{
    gpu_req_t batch[MAX_BATCH], expect;
    gpu_resp_t answers[MAX_BATCH];
    uint32_t want = min_u32(min_u32(next_batch(rng), gpu_queue_space(resp)), g.entries - handled);
    uint32_t n = gpu_req_dequeue_batch(req, batch, want);
    for (uint32_t i = 0; i < n; i++) {
        request_for(handled + i, &expect);
        if (memcmp(&batch[i], &expect, sizeof(expect)) != 0) {
            fail("request out of order or corrupt", handled + i);
        }
        response_for(handled + i, &answers[i]);
    }
    if (n != 0 && gpu_resp_enqueue_batch(resp, answers, n) != n) {
        fail("response queue lost room it had", handled);
    }
    return n;
}

static void *server_main(void *arg)
{
    (void)arg;
    gpu_queue_t req, resp;
    uint64_t handled = 0, rng = 0x0fedcba987654321ull;
    gpu_queue_init(&req, g.req_region, REQ_CAPACITY, false);
    gpu_queue_init(&resp, g.resp_region, RESP_CAPACITY, true);
    while (handled < g.entries) {
        uint32_t n = server_step(&req, &resp, handled, &rng);
        if (n != 0) {
            handled += n;
            bool signal = gpu_queue_consumer_must_signal(&req);
            signal = gpu_queue_producer_must_signal(&resp) || signal;
            if (signal) {
                notify(&g.server, &g.client);
            }
            continue;
        }
        /* Blocked on the response queue being full, or else on the request queue being empty. */
        bool sleep;
        if (gpu_queue_space(&resp) == 0) {
            sleep = gpu_queue_producer_arm(&resp);
        } else {
            sleep = g.broken_arm ? broken_consumer_arm(&req) : gpu_queue_consumer_arm(&req);
        }
        if (sleep) {
            wait_notified(&g.server, &req, &resp, handled);
        }
    }
    return NULL;
}

static void parse_args(int argc, char **argv)
{
    g.entries = 10 * 1000 * 1000;
    g.timeout_s = 10;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            g.entries = strtoull(argv[++i], NULL, 0);
        } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
            g.timeout_s = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--broken-arm") == 0) {
            g.broken_arm = 1;
        } else {
            fprintf(stderr, "usage: %s [-n ENTRIES] [-t TIMEOUT_SECONDS] [--broken-arm]\n", argv[0]);
            exit(2);
        }
    }
}

static void report_direction(const char *what, const pd_t *from, const pd_t *to, const char *entries)
{
    printf("# %s: %" PRIu64 " notifications for %" PRIu64 " %s (%.4f per entry); the receiver waited %" PRIu64
           " times, %" PRIu64 " of them with the notification already pending\n",
           what, from->posts_sent, g.entries, entries, (double)from->posts_sent / (double)g.entries, to->sleeps,
           to->pending);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    /* Start the indices just below the wrap so that it happens early and often. */
    gpu_queue_region_reset(g.req_region, UINT32_MAX - 1000);
    gpu_queue_region_reset(g.resp_region, UINT32_MAX - 37);
    g.client.name = "client";
    g.server.name = "server";
    sem_init(&g.client.notification, 0, 0);
    sem_init(&g.server.notification, 0, 0);
    printf("1..1\n");
    printf("# %" PRIu64 " requests and responses, queue capacities %u and %u, wait timeout %d s%s\n", g.entries,
           REQ_CAPACITY, RESP_CAPACITY, g.timeout_s, g.broken_arm ? ", BROKEN arm (expect a lost wakeup)" : "");
    fflush(stdout);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t client, server;
    pthread_create(&server, NULL, server_main, NULL);
    pthread_create(&client, NULL, client_main, NULL);
    pthread_join(client, NULL);
    pthread_join(server, NULL);
    double secs = seconds_since(&t0);

    printf("# %.2f s, %.2f M requests/s\n", secs, (double)g.entries / secs / 1e6);
    report_direction("client -> server", &g.client, &g.server, "requests");
    report_direction("server -> client", &g.server, &g.client, "responses");
    printf("ok 1 - %" PRIu64 " requests and responses in order and intact, no lost wakeup\n", g.entries);
    return 0;
}
