/*
 * Throughput, cost and latency of the SPSC queues of <sddf/gpu/queue.h>.
 *
 *   - two threads, busy polling: a producer enqueues batches of B gpu_req_t
 *     (64 bytes, one cache line each) and a consumer dequeues batches of B;
 *     entries per second from the moment both threads are running to the
 *     last dequeue;
 *   - one thread: enqueue a batch of B, dequeue it; nanoseconds per entry
 *     (one enqueue plus one dequeue);
 *   - ping-pong: one thread enqueues one gpu_req_t, the other dequeues it and
 *     answers with one gpu_resp_t on a second queue, the first dequeues that
 *     before sending the next; nanoseconds per round trip.
 *
 * The two threads are pinned to two different CPUs of the process's affinity
 * mask. With fewer than two CPUs (or if pinning is refused) they run where
 * the scheduler puts them and the output says "not pinned": such figures
 * measure the scheduler as much as the queue.
 *
 * Every figure is the median of several short runs (a few milliseconds each),
 * with the minimum and maximum beside it, after one discarded warm-up run.
 * Each thread compares its CPU time with its wall time: a run in which a
 * thread ran less than MIN_CPU_SHARE of the time measured whatever else the
 * machine was running, and is dropped (and counted in the output). Short runs
 * make it likely that enough runs fall between other loads' time slices.
 *
 * On a virtual machine the round trip also depends on where the host runs
 * the two virtual CPUs (here: about 60, 130 or 580 ns, changing every few
 * seconds or minutes), and so does the two-thread throughput. Each
 * two-thread line gives the round trip of a short probe before and after it,
 * and says when the two differ.
 *
 * Entries carry their sequence
 * number, which the receiving side checks, so nothing can be optimised away
 * and a broken queue cannot post a good figure. No notifications: the
 * handshake's cost is a fence on the slow path, measured by the stress test's
 * counts rather than here. A thread that has polled a full or empty queue
 * POLLS_BEFORE_YIELD times in a row yields the CPU once: when both threads
 * share a CPU, pure spinning would burn whole time slices while the peer is
 * not running.
 *
 * Usage: queue_bench [--runs N] [--quick] [--one-cpu]
 *   --runs N   keep N runs per figure (default DEFAULT_RUNS)
 *   --quick    one run per figure, shorter runs: the smoke check
 *   --one-cpu  run on the first CPU only, to exercise the unpinned fallback
 */
#define _GNU_SOURCE /* this file only: pthread_setaffinity_np(), CPU_SET() */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sddf/gpu/queue.h>

#define CAPACITY      512u
#define DEFAULT_RUNS  31
#define MAX_RUNS      101
#define MAX_BATCH     256u
#define ATTEMPTS      10  /* at most ATTEMPTS * runs runs per figure */
#define MIN_CPU_SHARE 0.9 /* a run whose threads ran less than this share of its time is dropped */

#define POLLS_BEFORE_YIELD 1024u

#define PING_PONG_ROUND_TRIPS 10000u
#define PROBE_ROUND_TRIPS     2000u
#define PROBE_RUNS            5
#define PLACEMENT_CHANGE      1.5 /* a round trip this many times slower or faster: the CPUs moved */

/* A thread's wall clock and CPU time, in seconds. */
typedef struct thread_clock {
    double wall, cpu;
} thread_clock_t;

/* Where the two threads run: cpu[i] for thread i, or -1 for anywhere. */
typedef struct placement {
    int cpu[2];
    int available; /* CPUs in the process's affinity mask */
} placement_t;

/* One timed run of two threads. The threads read everything but the marked fields. */
typedef struct run {
    void *region;      /* thread 0 produces, thread 1 consumes */
    void *back_region; /* ping-pong only: thread 1 produces, thread 0 consumes */
    uint32_t batch;
    uint64_t entries;
    uint32_t ready_atomic; /* threads at the start line */
    uint32_t go_atomic;    /* set once both are there */
    /* Written by thread i only, read after the join: */
    thread_clock_t start[2];
    double finish[2]; /* wall clock at the thread's end */
    double share[2];  /* of the thread's wall time, the part it ran on its CPU */
} run_t;

/* One run's result: the figure, and the least CPU share any of its threads had. */
typedef struct sample {
    double value;
    double share;
} sample_t;

typedef sample_t (*bench_fn_t)(void *region, void *back_region, uint32_t batch, uint64_t entries);

static placement_t placement;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static thread_clock_t thread_clock_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (thread_clock_t){.wall = now_seconds(), .cpu = (double)t.tv_sec + (double)t.tv_nsec * 1e-9};
}

/* Of the wall time since `start`, the share this thread spent running. */
static double thread_share_since(thread_clock_t start)
{
    thread_clock_t now = thread_clock_now();
    return now.wall > start.wall ? (now.cpu - start.cpu) / (now.wall - start.wall) : 1.0;
}

static void die(const char *what, uint64_t seq)
{
    fprintf(stderr, "queue_bench: %s at entry %" PRIu64 "\n", what, seq);
    exit(1);
}

static void fail(const char *what)
{
    fprintf(stderr, "queue_bench: %s\n", what);
    exit(1);
}

/* Count one fruitless poll; yield now and then (see above). */
static void poll_again(uint32_t *polls)
{
    if (++*polls % POLLS_BEFORE_YIELD == 0) {
        sched_yield();
    }
}

static void cpu_only(cpu_set_t *set, int cpu)
{
    CPU_ZERO(set);
    CPU_SET(cpu, set);
}

static bool pin_thread(pthread_t thread, int cpu)
{
    cpu_set_t set;
    cpu_only(&set, cpu);
    return pthread_setaffinity_np(thread, sizeof(set), &set) == 0;
}

/*
 * Once at start: pick the first two CPUs of our affinity mask, and check that
 * a thread may actually be pinned to each (the main thread tries, then gets
 * its old mask back). Anything less leaves both threads unpinned.
 */
static placement_t placement_choose(void)
{
    placement_t p = {.cpu = {-1, -1}, .available = 0};
    cpu_set_t old;
    if (sched_getaffinity(0, sizeof(old), &old) != 0) {
        return p;
    }
    p.available = CPU_COUNT(&old);
    int found = 0;
    for (int c = 0; c < CPU_SETSIZE && found < 2; c++) {
        if (CPU_ISSET(c, &old)) {
            p.cpu[found++] = c;
        }
    }
    bool pinned = found == 2 && pin_thread(pthread_self(), p.cpu[0]) && pin_thread(pthread_self(), p.cpu[1]);
    if (found == 2 && pthread_setaffinity_np(pthread_self(), sizeof(old), &old) != 0) {
        pinned = false;
    }
    if (!pinned) {
        p.cpu[0] = p.cpu[1] = -1;
    }
    return p;
}

/* Thread i, first: report at the start line and spin until both are there. */
static void start_line(run_t *r, int i)
{
    __atomic_fetch_add(&r->ready_atomic, 1, __ATOMIC_RELEASE);
    uint32_t polls = 0;
    while (__atomic_load_n(&r->go_atomic, __ATOMIC_ACQUIRE) == 0) {
        poll_again(&polls);
    }
    r->start[i] = thread_clock_now();
}

/* Thread i, last: note when it finished and how much of the time it had its CPU. */
static void finish_line(run_t *r, int i)
{
    r->share[i] = thread_share_since(r->start[i]);
    r->finish[i] = now_seconds();
}

/* Main thread: start `fn` on CPU `cpu` (-1: anywhere), so that it never runs elsewhere. */
static void start_thread(pthread_t *t, void *(*fn)(void *), run_t *r, int cpu)
{
    pthread_attr_t attr;
    cpu_set_t set;
    if (pthread_attr_init(&attr) != 0) {
        fail("cannot start threads");
    }
    if (cpu >= 0) {
        cpu_only(&set, cpu);
        if (pthread_attr_setaffinity_np(&attr, sizeof(set), &set) != 0) {
            fail("cannot pin a thread");
        }
    }
    if (pthread_create(t, &attr, fn, r) != 0) {
        fail("cannot start threads");
    }
    pthread_attr_destroy(&attr);
}

/* Main thread: start `a` and `b` on their CPUs, both at once; seconds from the start to the last finish. */
static sample_t run_pair(run_t *r, void *(*a)(void *), void *(*b)(void *))
{
    pthread_t t[2];
    start_thread(&t[0], a, r, placement.cpu[0]);
    start_thread(&t[1], b, r, placement.cpu[1]);
    uint32_t polls = 0;
    while (__atomic_load_n(&r->ready_atomic, __ATOMIC_ACQUIRE) != 2) {
        poll_again(&polls);
    }
    double t0 = now_seconds();
    __atomic_store_n(&r->go_atomic, 1, __ATOMIC_RELEASE);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    double end = r->finish[0] > r->finish[1] ? r->finish[0] : r->finish[1];
    return (sample_t){.value = end - t0, .share = r->share[0] < r->share[1] ? r->share[0] : r->share[1]};
}

static uint32_t batch_for(const run_t *r, uint64_t done)
{
    uint64_t left = r->entries - done;
    return left < r->batch ? (uint32_t)left : r->batch;
}

/* Thread 0 of the throughput run: the producer. */
static void *producer_main(void *arg)
{
    run_t *r = arg;
    gpu_queue_t q;
    gpu_req_t batch[MAX_BATCH];
    memset(batch, 0, sizeof(batch));
    gpu_queue_init(&q, r->region, CAPACITY, true);
    start_line(r, 0);
    for (uint64_t sent = 0; sent < r->entries;) {
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
    finish_line(r, 0);
    return NULL;
}

/* Thread 1 of the throughput run: the consumer, which checks every sequence number. */
static void *consumer_main(void *arg)
{
    run_t *r = arg;
    gpu_queue_t q;
    gpu_req_t batch[MAX_BATCH];
    gpu_queue_init(&q, r->region, CAPACITY, false);
    start_line(r, 1);
    uint32_t polls = 0;
    for (uint64_t received = 0; received < r->entries;) {
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
    finish_line(r, 1);
    return NULL;
}

/* Two threads: entries per second. */
static sample_t run_two_threads(void *region, void *back_region, uint32_t batch, uint64_t entries)
{
    (void)back_region;
    run_t r = {.region = region, .batch = batch, .entries = entries};
    gpu_queue_region_reset(region, 0);
    sample_t s = run_pair(&r, producer_main, consumer_main);
    s.value = (double)entries / s.value;
    return s;
}

/* One thread: nanoseconds per entry for one enqueue plus one dequeue. */
static sample_t run_one_thread(void *region, void *back_region, uint32_t batch, uint64_t entries)
{
    (void)back_region;
    gpu_queue_t prod, cons;
    gpu_req_t in[MAX_BATCH], out[MAX_BATCH];
    memset(in, 0, sizeof(in));
    gpu_queue_region_reset(region, 0);
    gpu_queue_init(&prod, region, CAPACITY, true);
    gpu_queue_init(&cons, region, CAPACITY, false);
    entries -= entries % batch; /* whole batches only */
    thread_clock_t t0 = thread_clock_now();
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
    double share = thread_share_since(t0);
    return (sample_t){.value = (now_seconds() - t0.wall) * 1e9 / (double)entries, .share = share};
}

/* Thread 0 of the ping-pong run: sends request i, waits for response i, r->entries times. */
static void *ping_main(void *arg)
{
    run_t *r = arg;
    gpu_queue_t out, in;
    gpu_req_t req;
    gpu_resp_t resp;
    memset(&req, 0, sizeof(req));
    gpu_queue_init(&out, r->region, CAPACITY, true);
    gpu_queue_init(&in, r->back_region, CAPACITY, false);
    start_line(r, 0);
    for (uint64_t i = 0; i < r->entries; i++) {
        req.code = GPU_REQ_RESOURCE_FLUSH;
        req.id = (uint32_t)i;
        if (!gpu_req_enqueue(&out, &req)) {
            die("request queue full with nothing in flight", i);
        }
        for (uint32_t polls = 0; !gpu_resp_dequeue(&in, &resp);) {
            poll_again(&polls);
        }
        if (resp.id != (uint32_t)i || resp.code != GPU_REQ_RESOURCE_FLUSH) {
            die("response does not match its request", i);
        }
    }
    finish_line(r, 0);
    return NULL;
}

/* Thread 1 of the ping-pong run: answers each request with a response carrying its id. */
static void *pong_main(void *arg)
{
    run_t *r = arg;
    gpu_queue_t in, out;
    gpu_req_t req;
    gpu_resp_t resp = {.status = GPU_STATUS_OK};
    gpu_queue_init(&in, r->region, CAPACITY, false);
    gpu_queue_init(&out, r->back_region, CAPACITY, true);
    start_line(r, 1);
    for (uint64_t i = 0; i < r->entries; i++) {
        for (uint32_t polls = 0; !gpu_req_dequeue(&in, &req);) {
            poll_again(&polls);
        }
        if (req.id != (uint32_t)i) {
            die("request out of order", i);
        }
        resp.code = req.code;
        resp.id = req.id;
        if (!gpu_resp_enqueue(&out, &resp)) {
            die("response queue full with nothing in flight", i);
        }
    }
    finish_line(r, 1);
    return NULL;
}

/* Ping-pong: nanoseconds per round trip. */
static sample_t run_ping_pong(void *region, void *back_region, uint32_t batch, uint64_t entries)
{
    (void)batch;
    run_t r = {.region = region, .back_region = back_region, .batch = 1, .entries = entries};
    gpu_queue_region_reset(region, 0);
    gpu_queue_region_reset(back_region, 0);
    sample_t s = run_pair(&r, ping_main, pong_main);
    s.value = s.value * 1e9 / (double)entries;
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One figure: the median of the kept runs, their minimum and maximum, and how many runs were dropped. */
typedef struct figure {
    double median, min, max;
    int kept, dropped;
    bool disturbed; /* no run was undisturbed: these are all of them */
} figure_t;

static figure_t summarise(double *v, int n, int dropped, bool disturbed)
{
    qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
    return (figure_t){
            .median = v[n / 2], .min = v[0], .max = v[n - 1], .kept = n, .dropped = dropped, .disturbed = disturbed};
}

/*
 * After a warm-up run, run until `runs` runs kept every thread on its CPU for
 * MIN_CPU_SHARE of the time, giving up after ATTEMPTS times as many; a run
 * that lost its CPU measured the other load, not the queue, and is dropped
 * and counted. Threads that share a CPU on purpose (not pinned) keep every
 * run. If no run was undisturbed, every run is summarised, marked disturbed.
 */
static figure_t measure(bench_fn_t fn, void *const regions[2], uint32_t batch, uint64_t entries, int runs,
                        bool two_threads)
{
    static double kept[MAX_RUNS], all[MAX_RUNS * ATTEMPTS];
    bool filter = !two_threads || placement.cpu[0] >= 0;
    int n_kept = 0, n_all = 0;
    fn(regions[0], regions[1], batch, entries); /* warm-up: caches, page faults, CPU clocks */
    while (n_kept < runs && n_all < runs * ATTEMPTS) {
        sample_t s = fn(regions[0], regions[1], batch, entries);
        all[n_all++] = s.value;
        if (!filter || s.share >= MIN_CPU_SHARE) {
            kept[n_kept++] = s.value;
        }
    }
    return n_kept != 0 ? summarise(kept, n_kept, n_all - n_kept, false) : summarise(all, n_all, 0, true);
}

static void print_header(int runs)
{
    printf("bench-queue: gpu_req_t entries (%zu B), capacity %u; median [min .. max] of %d run(s) after a warm-up; ",
           sizeof(gpu_req_t), CAPACITY, runs);
    if (placement.cpu[0] >= 0) {
        printf("threads pinned to CPUs %d and %d\n", placement.cpu[0], placement.cpu[1]);
    } else {
        printf("threads not pinned (%d CPU(s) available): two-thread figures include scheduling\n",
               placement.available);
    }
}

/* The tail of a figure's line: its run count, and the dropped runs if any. */
static void print_runs(figure_t f)
{
    if (f.disturbed) {
        printf(", %d run(s), DISTURBED: in every run a thread lost its CPU", f.kept);
    } else if (f.dropped != 0) {
        printf(", %d run(s) (%d more dropped: a thread lost its CPU)", f.kept, f.dropped);
    } else {
        printf(", %d run(s)", f.kept);
    }
}

static figure_t measure_round_trip(void *const regions[2], int runs, uint64_t round_trips)
{
    return measure(run_ping_pong, regions, 1, round_trips, runs, true);
}

/*
 * The round trip is the cost of moving cache lines between the two CPUs,
 * which on a virtual machine depends on where the host runs them, and the
 * host moves them now and then. A short probe before and after each
 * two-thread figure tells whether it was measured in one placement.
 */
static double probe_round_trip(void *const regions[2], uint64_t scale)
{
    return measure_round_trip(regions, PROBE_RUNS, PROBE_ROUND_TRIPS / scale).median;
}

static void print_placement(double before, double after)
{
    double ratio = after / before;
    if (ratio > PLACEMENT_CHANGE || ratio < 1.0 / PLACEMENT_CHANGE) {
        printf("; NOTE: round trip %.0f -> %.0f ns, the CPUs moved during this figure", before, after);
    } else {
        printf("; round trip %.0f ns", (before + after) / 2);
    }
}

static void print_two_threads(void *const regions[2], int runs, uint32_t batch, uint64_t entries, uint64_t scale)
{
    bool pinned = placement.cpu[0] >= 0;
    double before = pinned ? probe_round_trip(regions, scale) : 0;
    figure_t f = measure(run_two_threads, regions, batch, entries, runs, true);
    double after = pinned ? probe_round_trip(regions, scale) : 0;
    printf("bench-queue: 2 threads, batch %3u: %7.2f M entries/s [%.2f .. %.2f]", batch, f.median / 1e6, f.min / 1e6,
           f.max / 1e6);
    print_runs(f);
    if (pinned) {
        print_placement(before, after);
    }
    printf("\n");
}

static void print_one_thread(void *const regions[2], int runs, uint32_t batch, uint64_t entries)
{
    figure_t f = measure(run_one_thread, regions, batch, entries, runs, false);
    printf("bench-queue: 1 thread,  batch %3u: %7.2f ns per entry, enqueue + dequeue [%.2f .. %.2f]", batch, f.median,
           f.min, f.max);
    print_runs(f);
    printf("\n");
}

static void print_throughput(void *const regions[2], int runs, uint64_t scale)
{
    static const struct {
        uint32_t batch;
        uint64_t two_thread_entries, one_thread_entries;
    } rows[] = {{1, 200000, 400000}, {16, 500000, 1000000}, {256, 500000, 1000000}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        print_two_threads(regions, runs, rows[i].batch, rows[i].two_thread_entries / scale, scale);
        print_one_thread(regions, runs, rows[i].batch, rows[i].one_thread_entries / scale);
        fflush(stdout);
    }
}

static void print_ping_pong(void *const regions[2], int runs, uint64_t scale)
{
    figure_t f = measure_round_trip(regions, runs, PING_PONG_ROUND_TRIPS / scale);
    printf("bench-queue: ping-pong, one gpu_req_t there and one gpu_resp_t back on a second queue: %.0f ns per round "
           "trip [%.0f .. %.0f]",
           f.median, f.min, f.max);
    print_runs(f);
    printf("\n");
    fflush(stdout);
}

/* --one-cpu: keep only the first CPU of our affinity mask, as a one-CPU machine would. */
static void restrict_to_one_cpu(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        fail("cannot read the affinity mask");
    }
    int c = 0;
    while (c < CPU_SETSIZE - 1 && !CPU_ISSET(c, &set)) {
        c++;
    }
    cpu_only(&set, c);
    if (sched_setaffinity(0, sizeof(set), &set) != 0) {
        fail("cannot restrict to one CPU");
    }
}

static int parse_args(int argc, char **argv, int *runs, uint64_t *scale)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            *runs = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--quick") == 0) {
            *runs = 1;
            *scale = 16;
        } else if (strcmp(argv[i], "--one-cpu") == 0) {
            restrict_to_one_cpu();
        } else {
            fprintf(stderr, "usage: %s [--runs N] [--quick] [--one-cpu]\n", argv[0]);
            return 2;
        }
    }
    if (*runs < 1 || *runs > MAX_RUNS) {
        fprintf(stderr, "queue_bench: --runs must be 1..%d\n", MAX_RUNS);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int runs = DEFAULT_RUNS;
    uint64_t scale = 1;
    if (parse_args(argc, argv, &runs, &scale) != 0) {
        return 2;
    }
    void *regions[2];
    for (int i = 0; i < 2; i++) {
        regions[i] = aligned_alloc(GPU_CACHE_LINE, GPU_QUEUE_REGION_SIZE(CAPACITY, sizeof(gpu_req_t)));
        if (regions[i] == NULL) {
            fail("out of memory");
        }
    }
    placement = placement_choose();
    print_header(runs);
    print_ping_pong(regions, runs, scale);
    print_throughput(regions, runs, scale);
    free(regions[0]);
    free(regions[1]);
    return 0;
}
