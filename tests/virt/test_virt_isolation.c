/*
 * Isolation between three clients and client release. Everything is checked
 * on what reaches the driver: each driver request is attributed to a client
 * (gpu_virt_driver_request_client) and must name only device ids that client
 * created, IO addresses inside its data region and scanouts it owns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "virt_env.h"

#define FMT GPU_FORMAT_B8G8R8X8_UNORM
#define NC  3u

/* Device ids each client created (and the driver accepted), from the driver's side. */
static int dev_owner[GPU_VIRT_MAX_DEVICE_RESOURCES + 1];
static uint32_t driver_seen[NC];

static void owners_reset(void)
{
    for (uint32_t i = 0; i <= GPU_VIRT_MAX_DEVICE_RESOURCES; i++) {
        dev_owner[i] = -1;
    }
    memset(driver_seen, 0, sizeof(driver_seen));
}

static bool io_inside(int c, uint64_t addr, uint64_t size)
{
    uint64_t base = E->opts.io_base[c];
    uint64_t end = base + E->opts.data_size[c];
    return addr >= base && addr <= end && size <= end - addr;
}

static bool scanout_owned(int c, uint32_t ds)
{
    for (uint32_t i = 0; i < E->opts.num_scanouts[c]; i++) {
        if (E->opts.scanouts[c][i] == ds) {
            return true;
        }
    }
    return false;
}

/* Check one driver request against the client it was sent for; record creates. */
static void check_driver_request(const gpu_req_t *d)
{
    int c = gpu_virt_driver_request_client(&E->virt, d->id);
    if (d->code == GPU_REQ_GET_DISPLAY_INFO) {
        assert_int_equal(c, -1);
        return;
    }
    assert_true(c >= 0 && c < (int)NC);
    driver_seen[c]++;
    switch (d->code) {
    case GPU_REQ_RESOURCE_CREATE_2D:
    case GPU_REQ_RESOURCE_CREATE_BLOB:
        assert_int_equal(dev_owner[d->create_2d.resource_id], -1); /* never someone else's live id */
        dev_owner[d->create_2d.resource_id] = c;
        if (d->code == GPU_REQ_RESOURCE_CREATE_BLOB) {
            assert_true(io_inside(c, d->create_blob.mem_addr, d->create_blob.size));
        }
        return;
    case GPU_REQ_RESOURCE_ATTACH_BACKING:
        assert_true(io_inside(c, d->attach_backing.mem_addr, d->attach_backing.size));
        break;
    case GPU_REQ_SET_SCANOUT:
    case GPU_REQ_SET_SCANOUT_BLOB:
    case GPU_REQ_UPDATE_CURSOR: /* the same layout up to the resource id */
        assert_true(scanout_owned(c, d->set_scanout.scanout_id));
        if (d->set_scanout.resource_id != 0) {
            assert_int_equal(dev_owner[d->set_scanout.resource_id], c);
        }
        return;
    case GPU_REQ_MOVE_CURSOR:
        assert_true(scanout_owned(c, d->move_cursor.scanout_id));
        return;
    default:
        break;
    }
    /* unref, attach, detach, transfer, flush: the resource id comes first */
    assert_int_equal(dev_owner[d->unref.resource_id], c);
}

/* A driver that checks and answers everything OK until idle. */
static uint32_t serve_checked(void)
{
    uint32_t served = 0;
    gpu_req_t d;
    while (env_driver_pending() != 0) {
        while (env_driver_take(&d)) {
            check_driver_request(&d);
            if (d.code == GPU_REQ_RESOURCE_UNREF) {
                dev_owner[d.unref.resource_id] = -1;
            }
            env_driver_answer_ok(&d);
            served++;
        }
        env_driver_kick();
    }
    return served;
}

static uint32_t call_checked(uint32_t c, gpu_req_t req)
{
    uint32_t id = env_client_send(c, &req);
    serve_checked();
    gpu_resp_t r;
    assert_true(env_client_recv(c, &r));
    assert_int_equal(r.id, id);
    return r.status;
}

/* Three clients, each with 2D resource 1 (backed, on its scanout) and blob 2. */
static void setup_three(void)
{
    env_opts_t o;
    env_default_opts(&o, NC);
    o.num_scanouts[2] = 2;
    o.scanouts[2][1] = 3; /* client 2 owns device scanouts 2 and 3 */
    env_setup_ready(&o);
    owners_reset();
    for (uint32_t c = 0; c < NC; c++) {
        assert_int_equal(call_checked(c, req_create_2d(1, FMT, 32, 32)), GPU_STATUS_OK);
        assert_int_equal(call_checked(c, req_attach(1, 0, 4096)), GPU_STATUS_OK);
        assert_int_equal(call_checked(c, req_set_scanout(0, 1, 0, 0, 32, 32)), GPU_STATUS_OK);
        assert_int_equal(call_checked(c, req_create_blob(2, 0x10000, 0x10000)), GPU_STATUS_OK);
    }
}

/*
 * Device memory: each client spends only its own budget. Client 0 takes all
 * of its 64 MiB and is refused more (OUT_OF_MEMORY, never forwarded);
 * client 1's create still reaches the device; an unref gives the memory back.
 */
static void test_memory_budget_is_per_client(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    env_setup_ready(&o);
    owners_reset();
    for (uint32_t id = 1; id <= 4; id++) { /* 4 x 16 MiB */
        assert_int_equal(call_checked(0, req_create_2d(id, FMT, 4096, 1024)), GPU_STATUS_OK);
    }
    assert_int_equal(E->virt.clients[0].memory, ENV_MAX_MEMORY);
    gpu_req_t more = req_create_2d(5, FMT, 16, 16);
    env_client_send(0, &more);
    assert_int_equal(env_driver_pending(), 0);
    gpu_resp_t r;
    assert_true(env_client_recv(0, &r));
    assert_int_equal(r.status, GPU_STATUS_OUT_OF_MEMORY);
    assert_int_equal(call_checked(1, req_create_2d(1, FMT, 4096, 1024)), GPU_STATUS_OK);
    assert_int_equal(call_checked(0, req_unref(2)), GPU_STATUS_OK);
    assert_int_equal(E->virt.clients[0].memory, ENV_MAX_MEMORY - (16ull << 20));
    assert_int_equal(call_checked(0, req_create_2d(5, FMT, 16, 16)), GPU_STATUS_OK);
}

static void test_namespaces_are_separate(void **state)
{
    (void)state;
    setup_three();
    /* Same client ids, different device ids: three owners, two resources each. */
    uint32_t per_client[NC] = {0};
    for (uint32_t i = 1; i <= GPU_VIRT_MAX_DEVICE_RESOURCES; i++) {
        if (dev_owner[i] >= 0) {
            per_client[dev_owner[i]]++;
        }
    }
    for (uint32_t c = 0; c < NC; c++) {
        assert_int_equal(per_client[c], 2);
    }
    /* Every client can drive its own id 1; each request goes out under its own device id (checked). */
    for (uint32_t c = 0; c < NC; c++) {
        assert_int_equal(call_checked(c, req_transfer(1, 0, 0, 32, 32, 0)), GPU_STATUS_OK);
        assert_int_equal(call_checked(c, req_flush(1, 0, 0, 32, 32)), GPU_STATUS_OK);
    }
}

/* Nothing client 0 sends can name others' resources, scanouts or memory: all answered locally. */
static void test_cannot_reach_others(void **state)
{
    (void)state;
    setup_three();
    uint32_t seen = driver_seen[0] + driver_seen[1] + driver_seen[2];
    const uint64_t mib = ENV_DATA_SIZE;
    gpu_req_t attempts[] = {
            req_flush(3, 0, 0, 1, 1),                 /* an id nobody has */
            req_unref(33),                            /* beyond its quota (others' ids are not special) */
            req_set_scanout(1, 1, 0, 0, 1, 1),        /* device scanout 1 belongs to client 1 */
            req_set_scanout(2, 0, 0, 0, 0, 0),        /* and 2 to client 2: not even disabling */
            req_set_scanout_blob(3, 0, 0, 0, 0, 0),   /* nor 3 */
            req_attach(2, mib, 0x10000),              /* past its region, where client 1's might be mapped */
            req_create_blob(5, mib - 0x1000, 0x2000), /* straddling the end */
            req_create_blob(6, 0xfffffffffffff000ull, 0x2000),
            req_transfer(1, 0, 0, 32, 32, 4096), /* reading past its backing */
    };
    uint32_t expect[] = {
            GPU_STATUS_INVALID_RESOURCE_ID, GPU_STATUS_INVALID_RESOURCE_ID, GPU_STATUS_INVALID_SCANOUT_ID,
            GPU_STATUS_INVALID_SCANOUT_ID,  GPU_STATUS_INVALID_SCANOUT_ID,  GPU_STATUS_INVALID_PARAMETER,
            GPU_STATUS_INVALID_PARAMETER,   GPU_STATUS_INVALID_PARAMETER,   GPU_STATUS_OUT_OF_BOUNDS,
    };
    for (uint32_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
        assert_int_equal(call_checked(0, attempts[i]), expect[i]);
    }
    assert_int_equal(driver_seen[0] + driver_seen[1] + driver_seen[2], seen);
}

/* Client 0 unrefs and re-creates its id 1; clients 1 and 2 keep theirs, and their scanouts. */
static void test_unref_is_local(void **state)
{
    (void)state;
    setup_three();
    assert_int_equal(call_checked(0, req_unref(1)), GPU_STATUS_OK);
    assert_int_equal(E->virt.scanouts[0].resource_id, 0); /* its scanout went dark with it */
    assert_int_equal(E->virt.scanouts[1].resource_id, 1);
    assert_int_equal(E->virt.scanouts[2].resource_id, 1);
    assert_int_equal(call_checked(0, req_flush(1, 0, 0, 1, 1)), GPU_STATUS_INVALID_RESOURCE_ID);
    assert_int_equal(call_checked(1, req_flush(1, 0, 0, 1, 1)), GPU_STATUS_OK);
    assert_int_equal(call_checked(2, req_flush(1, 0, 0, 1, 1)), GPU_STATUS_OK);
    assert_int_equal(call_checked(0, req_create_2d(1, FMT, 8, 8)), GPU_STATUS_OK);
}

/* Client 0 fills its quota; the others can still create. */
static void test_quota_is_per_client(void **state)
{
    (void)state;
    setup_three();
    for (uint32_t id = 3; id <= E->opts.max_resources[0]; id++) {
        assert_int_equal(call_checked(0, req_create_2d(id, FMT, 1, 1)), GPU_STATUS_OK);
    }
    assert_int_equal(call_checked(0, req_create_2d(E->opts.max_resources[0] + 1, FMT, 1, 1)),
                     GPU_STATUS_INVALID_RESOURCE_ID);
    assert_int_equal(call_checked(1, req_create_2d(3, FMT, 1, 1)), GPU_STATUS_OK);
    assert_int_equal(call_checked(2, req_create_2d(32, FMT, 1, 1)), GPU_STATUS_OK);
}

/*
 * Release: requests never taken are dropped, in-flight work drains, then the
 * client's scanouts and resources go, and only its.
 */
static void test_release(void **state)
{
    (void)state;
    setup_three();
    assert_int_equal(call_checked(2, req_set_scanout(1, 2, 0, 0, 0, 0)), GPU_STATUS_INVALID_PARAMETER);
    gpu_req_t f = req_flush(1, 0, 0, 32, 32);
    env_client_send(2, &f); /* at the driver when the release starts */
    gpu_req_t pending_flush;
    assert_true(env_driver_take(&pending_flush));
    gpu_req_t left = req_flush(2, 0, 0, 32, 32);
    env_client_push(2, &left); /* enqueued by the client that died, never taken: dropped, never answered */
    env_notify_clear();
    assert_true(gpu_virt_release_client(&E->virt, 2, &E->notify));
    gpu_req_t g = req_flush(1, 0, 0, 32, 32);
    env_client_send(2, &g); /* the restarted client's first request: held until the release is done */
    assert_int_equal(env_driver_pending(), 0); /* waits for the flush */
    assert_int_equal(E->notify.released, 0);
    env_driver_answer(pending_flush.id, pending_flush.code, GPU_STATUS_OK);
    env_driver_kick();
    /* Now: disable device scanouts 2 and 3, unref both device ids. */
    uint32_t scanouts_off = 0;
    uint32_t unrefs = 0;
    gpu_req_t d;
    while (env_driver_take(&d)) {
        check_driver_request(&d);
        assert_int_equal(gpu_virt_driver_request_client(&E->virt, d.id), 2);
        if (d.code == GPU_REQ_SET_SCANOUT) {
            assert_int_equal(d.set_scanout.resource_id, 0);
            scanouts_off |= 1u << d.set_scanout.scanout_id;
        } else {
            assert_int_equal(d.code, GPU_REQ_RESOURCE_UNREF);
            dev_owner[d.unref.resource_id] = -1;
            unrefs++;
        }
        env_driver_answer_ok(&d);
    }
    assert_int_equal(scanouts_off, (1u << 2) | (1u << 3));
    assert_int_equal(unrefs, 2);
    env_driver_kick();
    assert_int_equal(E->notify.released, 1u << 2);
    assert_int_equal(E->virt.clients[2].released_scanouts, 2);
    assert_int_equal(E->virt.clients[2].released_resources, 2);
    /* The old flush's answer was dropped; the new client's request waits for GET_DISPLAY_INFO. */
    gpu_resp_t r;
    assert_true(env_client_recv(2, &r));
    assert_int_equal(r.id, g.id);
    assert_int_equal(r.status, GPU_STATUS_NOT_READY);
    assert_false(env_client_recv(2, &r));
    gpu_req_t info = req_display_info();
    assert_int_equal(env_call_local(2, &info), GPU_STATUS_OK);
    assert_int_equal(call_checked(2, req_flush(1, 0, 0, 1, 1)), GPU_STATUS_INVALID_RESOURCE_ID);
    assert_int_equal(call_checked(2, req_create_2d(1, FMT, 8, 8)), GPU_STATUS_OK);
    /* The others kept everything. */
    for (uint32_t c = 0; c < 2; c++) {
        assert_int_equal(call_checked(c, req_flush(1, 0, 0, 32, 32)), GPU_STATUS_OK);
        /* blob 2 still exists: no scanout shows it, so flushing it is refused, not its id */
        assert_int_equal(call_checked(c, req_flush(2, 0, 0, 32, 32)), GPU_STATUS_INVALID_PARAMETER);
        assert_int_equal(E->virt.scanouts[c].resource_id, 1);
    }
}

/*
 * Release through a two-slot driver queue, with a failing unref: the device
 * id is retired, never reused, and counts against the released client's
 * quota, not against anybody else's.
 */
static void test_release_under_pressure(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 4); /* 4 x 32 quota = the whole device-id space of the test build */
    o.drv_req_cap = 2;
    env_setup_ready(&o);
    owners_reset();
    for (uint32_t id = 1; id <= 6; id++) {
        assert_int_equal(call_checked(0, req_create_2d(id, FMT, 4, 4)), GPU_STATUS_OK);
    }
    env_notify_clear();
    gpu_virt_release_client(&E->virt, 0, &E->notify);
    uint32_t unrefs = 0;
    uint32_t failed_dev = 0;
    gpu_req_t d;
    for (int round = 0; round < 20 && E->notify.released == 0; round++) {
        assert_true(env_driver_pending() <= 2);
        while (env_driver_take(&d)) {
            uint32_t status = GPU_STATUS_OK;
            if (d.code == GPU_REQ_RESOURCE_UNREF && ++unrefs == 3) {
                status = GPU_STATUS_UNSPEC;
                failed_dev = d.unref.resource_id;
            }
            env_driver_answer(d.id, d.code, status);
        }
        env_driver_kick();
    }
    assert_int_equal(unrefs, 6);
    assert_int_equal(E->notify.released, 1u);
    assert_int_equal(E->virt.devid_orphans, 1);
    /* Creating every id again (both clients) never hands out the retired id. */
    gpu_req_t info = req_display_info();
    assert_int_equal(env_call_local(0, &info), GPU_STATUS_OK);
    for (uint32_t c = 0; c < 4; c++) {
        for (uint32_t id = 1; id <= 32; id++) {
            gpu_req_t cr = req_create_2d(id, FMT, 1, 1);
            env_client_send(c, &cr);
            while (env_driver_take(&d)) {
                assert_int_not_equal(d.create_2d.resource_id, failed_dev);
                env_driver_answer_ok(&d);
            }
            env_driver_kick();
            gpu_resp_t r;
            assert_true(env_client_recv(c, &r));
            /* The retired id is charged to client 0, whose release retired it: its 32nd create finds no quota. */
            assert_int_equal(r.status, (c == 0 && id == 32) ? GPU_STATUS_OUT_OF_MEMORY : GPU_STATUS_OK);
        }
    }
}

/*
 * A device that answers DEVICE_ERROR to every create of client 0 makes the
 * virtualiser retire those device ids. They count against client 0's quota:
 * it cannot drain the shared id space, the others still get all of theirs.
 */
static void test_retired_ids_charge_their_client(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 4); /* 4 x 32 quota = the whole device-id space of the test build */
    env_setup_ready(&o);
    for (uint32_t n = 0; n < 32; n++) {
        gpu_req_t cr = req_create_2d(1, FMT, 1, 1);
        env_client_send(0, &cr);
        gpu_req_t d;
        assert_true(env_driver_take(&d));
        env_driver_answer(d.id, d.code, GPU_STATUS_DEVICE_ERROR);
        env_driver_kick();
        gpu_resp_t r;
        assert_true(env_client_recv(0, &r));
        assert_int_equal(r.status, GPU_STATUS_DEVICE_ERROR);
    }
    assert_int_equal(E->virt.devid_orphans, 32);
    gpu_req_t cr = req_create_2d(1, FMT, 1, 1);
    assert_int_equal(env_call_local(0, &cr), GPU_STATUS_OUT_OF_MEMORY); /* its quota is spent */
    for (uint32_t c = 1; c < 4; c++) {
        for (uint32_t id = 1; id <= 32; id++) {
            cr = req_create_2d(id, FMT, 1, 1);
            assert_int_equal(env_call(c, &cr), GPU_STATUS_OK);
        }
    }
}

/* Client `c` gets cursor image 3 (64x64 B8G8R8A8, backed). */
static void make_cursor_image(uint32_t c)
{
    assert_int_equal(call_checked(c, req_create_2d(3, GPU_FORMAT_B8G8R8A8_UNORM, 64, 64)), GPU_STATUS_OK);
    assert_int_equal(call_checked(c, req_attach(3, 0x20000, 64 * 64 * 4)), GPU_STATUS_OK);
}

/* The next driver request, which must be `code` for client `c`'s device scanout `ds`; answered OK. */
static gpu_req_t expect_cursor_request(uint32_t code, uint32_t c, uint32_t ds)
{
    gpu_req_t d;
    assert_true(env_driver_take(&d));
    check_driver_request(&d);
    assert_int_equal(d.code, code);
    assert_int_equal(gpu_virt_driver_request_client(&E->virt, d.id), c);
    assert_int_equal(d.update_cursor.scanout_id, ds);
    env_driver_answer_ok(&d);
    env_driver_kick();
    return d;
}

/*
 * The cursor: each client sets and moves only the cursors of its own
 * scanouts, with its own resources (check_driver_request() holds every
 * driver request to that); others' scanouts are INVALID_SCANOUT_ID and
 * others' resource ids unknown, and nothing of either reaches the driver.
 */
static void test_cursor_is_per_owner(void **state)
{
    (void)state;
    setup_three();
    make_cursor_image(0);
    gpu_req_t u = req_update_cursor(0, 3, 10, 20, 1, 2);
    env_client_send(0, &u);
    gpu_req_t d = expect_cursor_request(GPU_REQ_UPDATE_CURSOR, 0, 0);
    assert_int_equal(d.update_cursor.resource_id, E->virt.clients[0].res[2].device_id);
    assert_int_equal(d.update_cursor.x, 10);
    assert_int_equal(d.update_cursor.hot_y, 2);
    gpu_resp_t r;
    assert_true(env_client_recv(0, &r));
    assert_int_equal(r.status, GPU_STATUS_OK);
    assert_int_equal(E->virt.scanouts[0].cursor, 1);
    uint32_t seen = driver_seen[0] + driver_seen[1] + driver_seen[2];
    /* client 1 owns one scanout (device 1): client 0's (device 0) is not reachable under any number */
    assert_int_equal(call_checked(1, req_move_cursor(1, 0, 0)), GPU_STATUS_INVALID_SCANOUT_ID);
    assert_int_equal(call_checked(1, req_update_cursor(1, 0, 0, 0, 0, 0)), GPU_STATUS_INVALID_SCANOUT_ID);
    assert_int_equal(call_checked(1, req_update_cursor(0, 3, 0, 0, 0, 0)), GPU_STATUS_INVALID_RESOURCE_ID);
    assert_int_equal(call_checked(2, req_move_cursor(2, 0, 0)), GPU_STATUS_INVALID_SCANOUT_ID);
    assert_int_equal(driver_seen[0] + driver_seen[1] + driver_seen[2], seen);
    /* client 1's own scanout 0 is device scanout 1; client 2's scanout 1 is device scanout 3 */
    gpu_req_t m = req_move_cursor(0, 5, 6);
    env_client_send(1, &m);
    d = expect_cursor_request(GPU_REQ_MOVE_CURSOR, 1, 1);
    assert_int_equal(d.move_cursor.x, 5);
    make_cursor_image(2);
    gpu_req_t u2 = req_update_cursor(1, 3, 0, 0, 0, 0);
    env_client_send(2, &u2);
    expect_cursor_request(GPU_REQ_UPDATE_CURSOR, 2, 3);
    assert_int_equal(E->virt.scanouts[0].cursor + E->virt.scanouts[1].cursor + E->virt.scanouts[3].cursor, 2);
}

/*
 * A release hides the cursors the client may show, before its scanouts go
 * dark, and only those: a client that showed none (or hid it) sends no hide.
 * A device loss forgets every cursor.
 */
static void test_cursor_release_and_loss(void **state)
{
    (void)state;
    setup_three();
    make_cursor_image(0);
    make_cursor_image(1);
    assert_int_equal(call_checked(0, req_update_cursor(0, 3, 10, 10, 0, 0)), GPU_STATUS_OK);
    assert_int_equal(call_checked(1, req_update_cursor(0, 3, 10, 10, 0, 0)), GPU_STATUS_OK);
    assert_int_equal(call_checked(1, req_update_cursor(0, 0, 0, 0, 0, 0)), GPU_STATUS_OK); /* hidden again */
    assert_int_equal(E->virt.scanouts[1].cursor, 0);
    /* a hide the device failed (DEVICE_ERROR): the cursor may still show */
    gpu_req_t u = req_update_cursor(0, 0, 0, 0, 0, 0);
    env_client_send(2, &u);
    gpu_req_t d;
    assert_true(env_driver_take(&d));
    env_driver_answer(d.id, d.code, GPU_STATUS_DEVICE_ERROR);
    env_driver_kick();
    assert_int_equal(E->virt.scanouts[2].cursor, 1);
    for (uint32_t c = 0; c < NC; c++) {
        assert_true(gpu_virt_release_client(&E->virt, c, &E->notify));
        assert_true(env_driver_take(&d));
        if (c == 1) {
            assert_int_equal(d.code, GPU_REQ_SET_SCANOUT); /* no cursor to hide */
        } else {
            assert_int_equal(d.code, GPU_REQ_UPDATE_CURSOR);
            assert_int_equal(d.update_cursor.resource_id, 0);
            assert_int_equal(d.update_cursor.scanout_id, c);
            assert_int_equal(gpu_virt_driver_request_client(&E->virt, d.id), (int)c);
        }
        env_driver_answer_ok(&d);
        serve_checked();
        assert_int_equal(E->virt.scanouts[c].cursor, 0);
    }
    assert_int_equal(E->notify.released, 7u);
    /* device loss: a cursor shown before it is forgotten (the fresh device shows none) */
    gpu_req_t info = req_display_info();
    assert_int_equal(env_call_local(0, &info), GPU_STATUS_OK);
    make_cursor_image(0);
    assert_int_equal(call_checked(0, req_update_cursor(0, 3, 1, 1, 0, 0)), GPU_STATUS_OK);
    assert_int_equal(E->virt.scanouts[0].cursor, 1);
    E->opts.device.device_epoch = 1;
    env_display_event();
    serve_checked();
    assert_int_equal(E->virt.device_losses, 1);
    assert_int_equal(E->virt.scanouts[0].cursor, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_namespaces_are_separate),
            cmocka_unit_test(test_cannot_reach_others),
            cmocka_unit_test(test_unref_is_local),
            cmocka_unit_test(test_quota_is_per_client),
            cmocka_unit_test(test_memory_budget_is_per_client),
            cmocka_unit_test(test_release),
            cmocka_unit_test(test_release_under_pressure),
            cmocka_unit_test(test_retired_ids_charge_their_client),
            cmocka_unit_test(test_cursor_is_per_owner),
            cmocka_unit_test(test_cursor_release_and_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
