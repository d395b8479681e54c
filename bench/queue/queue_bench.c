/*
 * Throughput and cost of the SPSC queues of <sddf/gpu/queue.h> with gpu_req_t
 * entries (64 bytes, one cache line each).
 *
 *   - two threads, busy polling: a producer enqueues batches of B requests and
 *     a consumer dequeues batches of B; entries per second from the start of
 *     the threads to the last dequeue;
 *   - one thread: enqueue a batch of B, dequeue it; nanoseconds per entry
 *     (one enqueue plus one dequeue).
 *
 * Every figure is the median of several runs (the minimum and maximum beside
 * it). Entries carry their sequence number, which the consumer checks, so
 * nothing can be optimised away and a broken queue cannot post a good figure.
 * No notifications: the handshake's cost is a fence on the slow path, measured
 * by the stress test's counts rather than here. A thread that has polled a
 * full or empty queue POLLS_BEFORE_YIELD times in a row yields the CPU once:
 * on a loaded machine with fewer free cores than threads, pure spinning would
 * burn whole time slices while the peer is not running and measure the
 * scheduler instead of the queue.
 *
 * Usage: queue_bench [--runs N] [--quick]
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sddf/gpu/queue.h>

#define CAPACITY  512u
#define MAX_RUNS  31
#define MAX_BATCH 256u

#define POLLS_BEFORE_YIELD 1024u

typedef struct run {
    void *region;
    uint32_t batch;
    uint64_t entries;
} run_t;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what, uint64_t seq)
{
    fprintf(stderr, "queue_bench: %s at entry %" PRIu64 "\n", what, seq);
    exit(1);
}

/* Count one fruitless poll; yield now and then (see above). */
static void poll_again(uint32_t *polls)
{
    if (++*polls % POLLS_BEFORE_YIELD == 0) {
        sched_yield();
    }
}

static uint32_t batch_for(const run_t *r, uint64_t done)
{
    uint64_t left = r->entries - done;
    return left < r->batch ? (uint32_t)left : r->batch;
}

static void *producer_main(void *arg)
{
    const run_t *r = arg;
    gpu_queue_t q;
    gpu_req_t batch[MAX_BATCH];
    memset(batch, 0, sizeof(batch));
    gpu_queue_init(&q, r->region, CAPACITY, true);
    uint64_t sent = 0;
    while (sent < r->entries) {
        uint32_t want = batch_for(r, sent);
        for (uint32_t i = 0; i < want; i++) {
            batch[i].code = GPU_REQ_RESOURCE_FLUSH;
            batch[i].id = (uint32_t)(sent + i);
        }
        uint32_t n = gpu_req_enqueue_batch(&q, batch, want), polls = 0;
        while (n < want) { /* busy polling while full */
            poll_again(&polls);
            n += gpu_req_enqueue_batch(&q, batch + n, want - n);
        }
        sent += want;
    }
    return NULL;
}

static void *consumer_main(void *arg)
{
    const run_t *r = arg;
    gpu_queue_t q;
    gpu_req_t batch[MAX_BATCH];
    gpu_queue_init(&q, r->region, CAPACITY, false);
    uint64_t received = 0;
    uint32_t polls = 0;
    while (received < r->entries) {
        uint32_t n = gpu_req_dequeue_batch(&q, batch, batch_for(r, received));
        if (n == 0) { /* busy polling while empty */
            poll_again(&polls);
            continue;
        }
        polls = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (batch[i].id != (uint32_t)(received + i)) {
                die("entry out of order", received + i);
            }
        }
        received += n;
    }
    return NULL;
}

/* Two threads: entries per second. */
static double run_two_threads(void *region, uint32_t batch, uint64_t entries)
{
    run_t r = {.region = region, .batch = batch, .entries = entries};
    gpu_queue_region_reset(region, 0);
    pthread_t prod, cons;
    double t0 = now_seconds();
    pthread_create(&cons, NULL, consumer_main, &r);
    pthread_create(&prod, NULL, producer_main, &r);
    pthread_join(prod, NULL);
    pthread_join(cons, NULL);
    return (double)entries / (now_seconds() - t0);
}

/* One thread: nanoseconds per entry for one enqueue plus one dequeue. */
static double run_one_thread(void *region, uint32_t batch, uint64_t entries)
{
    gpu_queue_t prod, cons;
    gpu_req_t in[MAX_BATCH], out[MAX_BATCH];
    memset(in, 0, sizeof(in));
    gpu_queue_region_reset(region, 0);
    gpu_queue_init(&prod, region, CAPACITY, true);
    gpu_queue_init(&cons, region, CAPACITY, false);
    entries -= entries % batch; /* whole batches only */
    double t0 = now_seconds();
    for (uint64_t done = 0; done < entries; done += batch) {
        for (uint32_t i = 0; i < batch; i++) {
            in[i].id = (uint32_t)(done + i);
        }
        if (gpu_req_enqueue_batch(&prod, in, batch) != batch || gpu_req_dequeue_batch(&cons, out, batch) != batch) {
            die("queue refused a batch", done);
        }
        if (out[batch - 1].id != (uint32_t)(done + batch - 1)) {
            die("entry out of order", done);
        }
    }
    return (now_seconds() - t0) * 1e9 / (double)entries;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of `runs` calls; also the minimum and maximum. */
static double measure(double (*fn)(void *, uint32_t, uint64_t), void *region, uint32_t batch, uint64_t entries,
                      int runs, double *min, double *max)
{
    double v[MAX_RUNS];
    for (int i = 0; i < runs; i++) {
        v[i] = fn(region, batch, entries);
    }
    qsort(v, (size_t)runs, sizeof(v[0]), cmp_double);
    *min = v[0];
    *max = v[runs - 1];
    return v[runs / 2];
}

int main(int argc, char **argv)
{
    int runs = 7;
    uint64_t scale = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--quick") == 0) {
            runs = 1;
            scale = 64;
        } else {
            fprintf(stderr, "usage: %s [--runs N] [--quick]\n", argv[0]);
            return 2;
        }
    }
    if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "queue_bench: --runs must be 1..%d\n", MAX_RUNS);
        return 2;
    }
    void *region = aligned_alloc(GPU_CACHE_LINE, GPU_QUEUE_REGION_SIZE(CAPACITY, sizeof(gpu_req_t)));
    if (region == NULL) {
        die("out of memory", 0);
    }
    static const struct {
        uint32_t batch;
        uint64_t two_thread_entries, one_thread_entries;
    } rows[] = {{1, 4000000, 32000000}, {16, 16000000, 64000000}, {256, 16000000, 64000000}};

    printf("queue: gpu_req_t entries (%zu B), capacity %u; median of %d run(s) [min .. max]\n", sizeof(gpu_req_t),
           CAPACITY, runs);
    printf("%6s | %-36s | %-32s\n", "batch", "2 threads, busy polling (M entries/s)",
           "1 thread, enqueue+dequeue (ns/entry)");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        double lo2, hi2, lo1, hi1;
        double two =
                measure(run_two_threads, region, rows[i].batch, rows[i].two_thread_entries / scale, runs, &lo2, &hi2);
        double one =
                measure(run_one_thread, region, rows[i].batch, rows[i].one_thread_entries / scale, runs, &lo1, &hi1);
        printf("%6u | %7.2f [%7.2f .. %7.2f]%10s | %6.2f [%6.2f .. %6.2f]\n", rows[i].batch, two / 1e6, lo2 / 1e6,
               hi2 / 1e6, "", one, lo1, hi1);
        fflush(stdout);
    }
    free(region);
    return 0;
}
