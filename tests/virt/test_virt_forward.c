/*
 * Forwarding through a scripted fake driver: id and address translation,
 * error propagation, bookkeeping after refusals, stale driver answers,
 * in-order handling of dependent requests, the hand-over from the stream
 * path to the general serve, and the display-info cache.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sddf/gpu/event.h>

#include "virt_env.h"

#define FMT GPU_FORMAT_B8G8R8X8_UNORM

/* Client 0 owns device scanouts 2 and 0 (virtual 0 and 1); client 1 owns 1; client 2 owns 3. */
static void setup3(void)
{
    env_opts_t o;
    env_default_opts(&o, 3);
    o.num_scanouts[0] = 2;
    o.scanouts[0][0] = 2;
    o.scanouts[0][1] = 0;
    o.scanouts[1][0] = 1;
    o.scanouts[2][0] = 3;
    env_setup_ready(&o);
}

/* setup3(), and client 0's resource 1: 8x8, with 256 bytes of backing. */
static void setup3_backed(void)
{
    setup3();
    gpu_req_t c = req_create_2d(1, FMT, 8, 8);
    gpu_req_t a = req_attach(1, 0, 256);
    assert_int_equal(env_call(0, &c), GPU_STATUS_OK);
    assert_int_equal(env_call(0, &a), GPU_STATUS_OK);
}

/* Send and take exactly one driver request (not answered yet). */
static gpu_req_t send_expect_forward(uint32_t c, gpu_req_t req)
{
    env_client_send(c, &req);
    gpu_req_t drv;
    assert_true(env_driver_take(&drv));
    assert_int_equal(drv.code, req.code);
    assert_int_equal(env_driver_pending(), 0);
    return drv;
}

static gpu_resp_t answer_and_receive(uint32_t c, const gpu_req_t *drv, uint32_t status)
{
    env_driver_answer(drv->id, drv->code, status);
    env_driver_kick();
    gpu_resp_t resp;
    assert_true(env_client_recv(c, &resp));
    return resp;
}

static void test_translation(void **state)
{
    (void)state;
    setup3();
    const uint64_t io = E->opts.io_base[0];

    gpu_req_t d = send_expect_forward(0, req_create_2d(7, FMT, 64, 32));
    uint32_t dev = d.create_2d.resource_id;
    assert_int_not_equal(dev, 0);
    assert_int_equal(d.create_2d.format, FMT);
    assert_int_equal(d.create_2d.width, 64);
    assert_int_equal(d.create_2d.height, 32);
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_OK).status, GPU_STATUS_OK);

    d = send_expect_forward(0, req_attach(7, 0x3000, 8192));
    assert_int_equal(d.attach_backing.resource_id, dev);
    assert_int_equal(d.attach_backing.mem_addr, io + 0x3000);
    assert_int_equal(d.attach_backing.size, 8192);
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_OK).status, GPU_STATUS_OK);

    d = send_expect_forward(0, req_transfer(7, 1, 2, 3, 4, 260));
    assert_int_equal(d.transfer_to_2d.resource_id, dev);
    assert_int_equal(d.transfer_to_2d.rect.x, 1);
    assert_int_equal(d.transfer_to_2d.rect.y, 2);
    assert_int_equal(d.transfer_to_2d.rect.width, 3);
    assert_int_equal(d.transfer_to_2d.rect.height, 4);
    assert_int_equal(d.transfer_to_2d.offset, 260); /* relative to the backing: not translated */
    answer_and_receive(0, &d, GPU_STATUS_OK);

    d = send_expect_forward(0, req_set_scanout(1, 7, 0, 0, 64, 32)); /* virtual 1 = device 0 */
    assert_int_equal(d.set_scanout.scanout_id, 0);
    assert_int_equal(d.set_scanout.resource_id, dev);
    assert_int_equal(d.set_scanout.rect.width, 64);
    answer_and_receive(0, &d, GPU_STATUS_OK);
    d = send_expect_forward(0, req_set_scanout(0, 7, 0, 0, 64, 32)); /* virtual 0 = device 2 */
    assert_int_equal(d.set_scanout.scanout_id, 2);
    answer_and_receive(0, &d, GPU_STATUS_OK);
    d = send_expect_forward(0, req_set_scanout(0, 0, 5, 5, 5, 5)); /* disable: rect not passed on */
    assert_int_equal(d.set_scanout.scanout_id, 2);
    assert_int_equal(d.set_scanout.resource_id, 0);
    assert_int_equal(d.set_scanout.rect.width, 0);
    answer_and_receive(0, &d, GPU_STATUS_OK);

    d = send_expect_forward(0, req_flush(7, 0, 0, 64, 32));
    assert_int_equal(d.flush.resource_id, dev);
    assert_int_equal(d.flush.rect.height, 32);
    answer_and_receive(0, &d, GPU_STATUS_OK);

    d = send_expect_forward(0, req_create_blob(8, 0x10000, 0x4000));
    uint32_t blob = d.create_blob.resource_id;
    assert_int_not_equal(blob, dev);
    assert_int_equal(d.create_blob.mem_addr, io + 0x10000);
    assert_int_equal(d.create_blob.size, 0x4000);
    answer_and_receive(0, &d, GPU_STATUS_OK);

    gpu_req_t sb = req_set_scanout_blob(0, 8, 32, 32, 256, 512);
    d = send_expect_forward(0, sb);
    assert_int_equal(d.set_scanout_blob.scanout_id, 2);
    assert_int_equal(d.set_scanout_blob.resource_id, blob);
    assert_int_equal(d.set_scanout_blob.stride, 256);
    assert_int_equal(d.set_scanout_blob.offset, 512);
    assert_int_equal(d.set_scanout_blob.format, FMT);
    answer_and_receive(0, &d, GPU_STATUS_OK);

    d = send_expect_forward(0, req_set_scanout_blob(0, 0, 0, 0, 0, 0)); /* a shown blob keeps its memory */
    answer_and_receive(0, &d, GPU_STATUS_OK);
    d = send_expect_forward(0, req_detach(8));
    assert_int_equal(d.detach_backing.resource_id, blob);
    answer_and_receive(0, &d, GPU_STATUS_OK);
    d = send_expect_forward(0, req_unref(7));
    assert_int_equal(d.unref.resource_id, dev);
    answer_and_receive(0, &d, GPU_STATUS_OK);
}

/* Every status the driver reports reaches the client unchanged; nonsense becomes DEVICE_ERROR. */
static void test_error_propagation(void **state)
{
    (void)state;
    setup3();
    gpu_req_t c = req_create_2d(1, FMT, 8, 8);
    assert_int_equal(env_call(0, &c), GPU_STATUS_OK);
    for (uint32_t status = 0; status <= GPU_STATUS_MAX + 2; status++) {
        gpu_req_t d = send_expect_forward(0, req_flush(1, 0, 0, 8, 8));
        gpu_resp_t r = answer_and_receive(0, &d, status);
        assert_int_equal(r.code, GPU_REQ_RESOURCE_FLUSH);
        assert_int_equal(r.status, status <= GPU_STATUS_MAX ? status : GPU_STATUS_DEVICE_ERROR);
    }
    gpu_req_t d = send_expect_forward(0, req_flush(1, 0, 0, 8, 8));
    env_driver_answer(d.id, GPU_REQ_TRANSFER_TO_2D, GPU_STATUS_OK); /* wrong code */
    env_driver_kick();
    gpu_resp_t r;
    assert_true(env_client_recv(0, &r));
    assert_int_equal(r.code, GPU_REQ_RESOURCE_FLUSH);
    assert_int_equal(r.status, GPU_STATUS_DEVICE_ERROR);
}

/* A refused create unmaps the id and gives the device id back. */
static void test_refused_create(void **state)
{
    (void)state;
    setup3();
    gpu_req_t d = send_expect_forward(0, req_create_2d(4, FMT, 8, 8));
    uint32_t dev = d.create_2d.resource_id;
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_OUT_OF_MEMORY).status, GPU_STATUS_OUT_OF_MEMORY);
    gpu_req_t f = req_flush(4, 0, 0, 1, 1);
    assert_int_equal(env_call_local(0, &f), GPU_STATUS_INVALID_RESOURCE_ID);
    d = send_expect_forward(0, req_create_2d(4, FMT, 8, 8));
    assert_int_equal(d.create_2d.resource_id, dev);
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_OK).status, GPU_STATUS_OK);
    assert_int_equal(env_call(0, &f), GPU_STATUS_OK);
    /* A refused blob create too. */
    d = send_expect_forward(0, req_create_blob(5, 0, 4096));
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_DEVICE_ERROR).status, GPU_STATUS_DEVICE_ERROR);
    gpu_req_t a = req_attach(5, 0, 4096);
    assert_int_equal(env_call_local(0, &a), GPU_STATUS_INVALID_RESOURCE_ID);
}

/* A create that ended in DEVICE_ERROR may exist on the device: its device id is never reused. */
static void test_device_error_create_retires_id(void **state)
{
    (void)state;
    setup3();
    gpu_req_t d = send_expect_forward(0, req_create_2d(4, FMT, 8, 8));
    uint32_t dev = d.create_2d.resource_id;
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_DEVICE_ERROR).status, GPU_STATUS_DEVICE_ERROR);
    assert_int_equal(E->virt.devid_orphans, 1);
    gpu_req_t f = req_flush(4, 0, 0, 1, 1);
    assert_int_equal(env_call_local(0, &f), GPU_STATUS_INVALID_RESOURCE_ID);
    for (uint32_t id = 4; id < 8; id++) {
        d = send_expect_forward(0, req_create_2d(id, FMT, 8, 8));
        assert_int_not_equal(d.create_2d.resource_id, dev);
        assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_OK).status, GPU_STATUS_OK);
    }
}

/* A failed unref keeps the resource (and its scanout); a failed attach leaves it unbacked. */
static void test_failed_unref_and_attach(void **state)
{
    (void)state;
    setup3();
    gpu_req_t c = req_create_2d(1, FMT, 8, 8);
    assert_int_equal(env_call(0, &c), GPU_STATUS_OK);
    gpu_req_t d = send_expect_forward(0, req_unref(1));
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_UNSPEC).status, GPU_STATUS_UNSPEC);
    gpu_req_t f = req_flush(1, 0, 0, 8, 8);
    assert_int_equal(env_call(0, &f), GPU_STATUS_OK);
    assert_int_equal(env_call_local(0, &c), GPU_STATUS_INVALID_RESOURCE_ID); /* still in use */

    d = send_expect_forward(0, req_attach(1, 0, 256));
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_INVALID_PARAMETER).status, GPU_STATUS_INVALID_PARAMETER);
    gpu_req_t t = req_transfer(1, 0, 0, 8, 8, 0);
    assert_int_equal(env_call_local(0, &t), GPU_STATUS_INVALID_PARAMETER); /* no backing */
    gpu_req_t a = req_attach(1, 0, 256);
    assert_int_equal(env_call(0, &a), GPU_STATUS_OK);
    assert_int_equal(env_call(0, &t), GPU_STATUS_OK);

    d = send_expect_forward(0, req_detach(1));
    assert_int_equal(answer_and_receive(0, &d, GPU_STATUS_UNSPEC).status, GPU_STATUS_UNSPEC);
    assert_int_equal(env_call(0, &t), GPU_STATUS_OK); /* still backed */
}

/* Driver answers with ids nobody sent, or sent twice, are dropped and logged. */
static void test_stale_driver_ids(void **state)
{
    (void)state;
    setup3();
    gpu_req_t c = req_create_2d(1, FMT, 8, 8);
    assert_int_equal(env_call(0, &c), GPU_STATUS_OK);
    gpu_req_t d = send_expect_forward(0, req_flush(1, 0, 0, 8, 8));
    uint32_t logs = E->log_lines;
    env_driver_answer(d.id ^ 0x40000, d.code, GPU_STATUS_OK);
    env_driver_answer(12345, d.code, GPU_STATUS_OK);
    env_driver_answer(d.id + 1, d.code, GPU_STATUS_OK);
    env_driver_kick();
    assert_int_equal(env_client_pending(0), 0);
    assert_int_equal(E->log_lines, logs + 3);
    env_driver_answer(d.id, d.code, GPU_STATUS_OK);
    env_driver_answer(d.id, d.code, GPU_STATUS_OK); /* twice */
    env_driver_kick();
    assert_int_equal(env_client_pending(0), 1);
    assert_int_equal(E->log_lines, logs + 4);
    /* The slot's next user gets a new id: the old one stays stale. */
    gpu_req_t d2 = send_expect_forward(0, req_flush(1, 0, 0, 8, 8));
    assert_int_not_equal(d2.id, d.id);
    env_driver_answer(d.id, d.code, GPU_STATUS_OK);
    env_driver_kick();
    assert_int_equal(env_client_pending(0), 1);
    env_driver_answer(d2.id, d2.code, GPU_STATUS_OK);
    env_driver_kick();
    assert_int_equal(env_client_pending(0), 2);
}

/* A client may enqueue create, attach, set-scanout, transfer, flush back to back; they take effect in order. */
static void test_dependent_requests_in_order(void **state)
{
    (void)state;
    setup3();
    gpu_req_t seq[] = {
            req_create_2d(3, FMT, 16, 16),    req_attach(3, 0, 1024),     req_set_scanout(0, 3, 0, 0, 16, 16),
            req_transfer(3, 0, 0, 16, 16, 0), req_flush(3, 0, 0, 16, 16), req_unref(3),
    };
    uint32_t ids[6];
    for (int i = 0; i < 6; i++) {
        ids[i] = env_client_push(0, &seq[i]);
    }
    env_client_kick(0);
    /*
     * Create and attach change the resource, so what follows waits for their
     * answers; set-scanout, transfer and flush need only a settled resource
     * and go together (the driver keeps their order); unref waits for the
     * set-scanout that names the resource.
     */
    const int batches[] = {1, 1, 3, 1};
    int next = 0;
    for (int b = 0; b < 4; b++) {
        assert_int_equal(env_driver_pending(), batches[b]);
        for (int k = 0; k < batches[b]; k++, next++) {
            gpu_req_t d;
            assert_true(env_driver_take(&d));
            assert_int_equal(d.code, seq[next].code);
            env_driver_answer(d.id, d.code, GPU_STATUS_OK);
        }
        env_driver_kick();
    }
    for (int i = 0; i < 6; i++) {
        gpu_resp_t r;
        assert_true(env_client_recv(0, &r));
        assert_int_equal(r.id, ids[i]);
        assert_int_equal(r.status, GPU_STATUS_OK);
    }
    assert_false(env_client_pending(0));
}

/* Set-scanouts of one scanout go one at a time; an unref waits for the set-scanouts naming its resource. */
static void test_scanout_order(void **state)
{
    (void)state;
    setup3();
    gpu_req_t setup[] = {req_create_2d(1, FMT, 16, 16), req_create_2d(2, FMT, 16, 16), req_attach(1, 0, 1024),
                         req_attach(2, 4096, 1024)};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(env_call(0, &setup[i]), GPU_STATUS_OK);
    }
    gpu_req_t seq[] = {req_set_scanout(0, 1, 0, 0, 16, 16), req_set_scanout(1, 2, 0, 0, 16, 16),
                       req_set_scanout(0, 2, 0, 0, 16, 16), req_unref(1), req_flush(2, 0, 0, 16, 16)};
    for (int i = 0; i < 5; i++) {
        env_client_push(0, &seq[i]);
    }
    env_client_kick(0);
    /* Both scanouts at once; the second set of virtual 0 waits, and everything behind it. */
    gpu_req_t d[2];
    assert_int_equal(env_driver_pending(), 2);
    assert_true(env_driver_take(&d[0]));
    assert_true(env_driver_take(&d[1]));
    assert_int_equal(d[0].set_scanout.scanout_id, 2);
    assert_int_equal(d[1].set_scanout.scanout_id, 0);
    env_driver_answer(d[1].id, d[1].code, GPU_STATUS_OK); /* out of order: virtual 1 first */
    env_driver_kick();
    assert_int_equal(env_driver_pending(), 0);
    env_driver_answer(d[0].id, d[0].code, GPU_STATUS_OK);
    env_driver_kick();
    /*
     * Now the second set of device scanout 2; resource 1 is no longer
     * referenced, so its unref follows (the driver keeps the order), and
     * the flush. Answered in reverse: the bookkeeping must not care.
     */
    gpu_req_t e[3];
    assert_int_equal(env_driver_pending(), 3);
    for (int i = 0; i < 3; i++) {
        assert_true(env_driver_take(&e[i]));
        assert_int_equal(e[i].code, seq[2 + i].code);
    }
    assert_int_equal(e[0].set_scanout.scanout_id, 2);
    for (int i = 2; i >= 0; i--) {
        env_driver_answer(e[i].id, e[i].code, GPU_STATUS_OK);
        env_driver_kick();
    }
    /* Device scanouts 2 and 0 both show resource 2; resource 1 is gone and shows nowhere. */
    assert_int_equal(E->virt.scanouts[2].resource_id, 2);
    assert_int_equal(E->virt.scanouts[0].resource_id, 2);
    for (int i = 0; i < 5; i++) {
        gpu_resp_t r;
        assert_true(env_client_recv(0, &r));
        assert_int_equal(r.status, GPU_STATUS_OK);
    }
    /* Unref of resource 2 forgets both scanouts. */
    gpu_req_t u = req_unref(2);
    assert_int_equal(env_call(0, &u), GPU_STATUS_OK);
    assert_int_equal(E->virt.scanouts[2].resource_id, 0);
    assert_int_equal(E->virt.scanouts[0].resource_id, 0);
}

/* Transfers and flushes on a settled resource are pipelined, and answered out of order if the driver does. */
static void test_pipelined_out_of_order(void **state)
{
    (void)state;
    setup3_backed();
    uint32_t ids[8];
    for (int i = 0; i < 8; i++) {
        gpu_req_t r = (i % 2) ? req_flush(1, 0, 0, 8, 8) : req_transfer(1, 0, 0, 8, 8, 0);
        ids[i] = env_client_push(0, &r);
    }
    env_client_kick(0);
    assert_int_equal(env_driver_pending(), 8);
    gpu_req_t d[8];
    for (int i = 0; i < 8; i++) {
        assert_true(env_driver_take(&d[i]));
    }
    for (int i = 7; i >= 0; i--) {
        env_driver_answer(d[i].id, d[i].code, i == 5 ? GPU_STATUS_UNSPEC : GPU_STATUS_OK);
    }
    env_driver_kick();
    for (int i = 7; i >= 0; i--) {
        gpu_resp_t r;
        assert_true(env_client_recv(0, &r));
        assert_int_equal(r.id, ids[i]);
        assert_int_equal(r.status, i == 5 ? GPU_STATUS_UNSPEC : GPU_STATUS_OK);
    }
}

/* Every byte of a driver request past its body is zero, whatever the client left there. */
static void assert_zero_after(const gpu_req_t *d, size_t body)
{
    for (size_t i = body; i < sizeof(d->raw); i++) {
        assert_int_equal(d->raw[i], 0);
    }
}

/*
 * One notification brings a run the stream path takes (gpu_virt_stream.c),
 * then requests it must leave to the general serve: a flush out of bounds
 * (answered at once), a create, and a flush of the resource being created
 * (held until the create's answer). The driver forms carry the device id
 * and zeros wherever the client wrote padding or left garbage, and the
 * answers come in order.
 */
static void test_stream_hands_over(void **state)
{
    (void)state;
    setup3_backed();
    gpu_req_t run[6] = {req_transfer(1, 0, 0, 8, 8, 0),   req_flush(1, 0, 0, 8, 8),      req_flush(1, 4, 4, 8, 8),
                        req_transfer(1, 0, 4, 8, 4, 128), req_create_2d(2, FMT, 16, 16), req_flush(2, 0, 0, 16, 16)};
    run[0].transfer_to_2d._pad = 0xdeadbeefu;
    memset(run[1].raw + sizeof(gpu_req_flush_t), 0xaa, sizeof(run[1].raw) - sizeof(gpu_req_flush_t));
    memset(run[3].raw + sizeof(gpu_req_transfer_to_2d_t), 0x55, sizeof(run[3].raw) - sizeof(gpu_req_transfer_to_2d_t));
    uint32_t ids[6];
    for (int i = 0; i < 6; i++) {
        ids[i] = env_client_push(0, &run[i]);
    }
    env_client_kick(0);
    gpu_req_t d[4];
    assert_int_equal(env_driver_pending(), 4); /* transfer, flush, transfer, create; the last flush is held */
    for (int i = 0; i < 4; i++) {
        assert_true(env_driver_take(&d[i]));
    }
    uint32_t dev1 = d[0].transfer_to_2d.resource_id;
    assert_int_equal(d[0].code, GPU_REQ_TRANSFER_TO_2D);
    assert_int_equal(d[0].transfer_to_2d._pad, 0);
    assert_zero_after(&d[0], sizeof(gpu_req_transfer_to_2d_t));
    assert_int_equal(d[1].code, GPU_REQ_RESOURCE_FLUSH);
    assert_int_equal(d[1].flush.resource_id, dev1);
    assert_zero_after(&d[1], sizeof(gpu_req_flush_t));
    assert_int_equal(d[2].code, GPU_REQ_TRANSFER_TO_2D);
    assert_int_equal(d[2].transfer_to_2d.offset, 128);
    assert_zero_after(&d[2], sizeof(gpu_req_transfer_to_2d_t));
    assert_int_equal(d[3].code, GPU_REQ_RESOURCE_CREATE_2D);
    assert_int_not_equal(d[3].create_2d.resource_id, dev1);
    gpu_resp_t r;
    assert_true(env_client_recv(0, &r)); /* the flush out of bounds, answered before anything at the driver */
    assert_int_equal(r.id, ids[2]);
    assert_int_equal(r.status, GPU_STATUS_OUT_OF_BOUNDS);
    assert_false(env_client_recv(0, &r));
    for (int i = 0; i < 4; i++) {
        env_driver_answer_ok(&d[i]);
    }
    env_driver_kick();
    gpu_req_t held;
    assert_true(env_driver_take(&held)); /* the create settled: the held flush goes */
    assert_int_equal(held.code, GPU_REQ_RESOURCE_FLUSH);
    assert_int_equal(held.flush.resource_id, d[3].create_2d.resource_id);
    env_driver_answer_ok(&held);
    env_driver_kick();
    const int order[5] = {0, 1, 3, 4, 5};
    for (int i = 0; i < 5; i++) {
        assert_true(env_client_recv(0, &r));
        assert_int_equal(r.id, ids[order[i]]);
        assert_int_equal(r.status, GPU_STATUS_OK);
    }
}

/* Each client sees its own scanouts renumbered from 0, and BLOB but not EDID. */
static void test_display_view(void **state)
{
    (void)state;
    setup3();
    const gpu_display_info_t *dev = &E->opts.device;
    const gpu_display_info_t *v0 = &E->clients[0].info.display;
    assert_int_equal(v0->num_scanouts, 2);
    assert_int_equal(v0->features, GPU_FEATURE_BLOB);
    assert_memory_equal(&v0->scanouts[0], &dev->scanouts[2], sizeof(gpu_scanout_info_t));
    assert_memory_equal(&v0->scanouts[1], &dev->scanouts[0], sizeof(gpu_scanout_info_t));
    assert_int_equal(v0->scanouts[2].rect.width, 0);
    const gpu_display_info_t *v2 = &E->clients[2].info.display;
    assert_int_equal(v2->num_scanouts, 1);
    assert_memory_equal(&v2->scanouts[0], &dev->scanouts[3], sizeof(gpu_scanout_info_t));
    assert_int_equal(v2->scanouts[1].enabled, 0);
}

/* GET_DISPLAY_INFO waits for the cache; nothing else from that client is taken meanwhile. */
static void test_display_deferred(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    assert_int_equal(env_setup(&o), GPU_VIRT_OK);
    gpu_req_t q;
    assert_true(env_driver_take(&q));
    assert_int_equal(q.code, GPU_REQ_GET_DISPLAY_INFO);
    gpu_req_t info = req_display_info();
    gpu_req_t bad = req_code(0);
    uint32_t id = env_client_push(0, &info);
    env_client_push(0, &bad);
    env_client_kick(0);
    assert_int_equal(env_client_pending(0), 0);
    gpu_req_t bad1 = req_flush(1, 0, 0, 1, 1);
    assert_int_equal(env_call_local(1, &bad1), GPU_STATUS_NOT_READY); /* the other client is not held up */
    env_driver_answer_ok(&q);
    env_driver_kick();
    gpu_resp_t r;
    assert_true(env_client_recv(0, &r));
    assert_int_equal(r.id, id);
    assert_int_equal(r.status, GPU_STATUS_OK);
    assert_true(env_client_recv(0, &r));
    assert_int_equal(r.status, GPU_STATUS_UNSUPPORTED);
    assert_int_equal(E->clients[0].info.display.scanouts[0].rect.width, 640);
}

/* A display event re-queries the driver and raises the event only for clients whose scanouts changed. */
static void test_display_event(void **state)
{
    (void)state;
    setup3();
    E->opts.device.scanouts[1].rect.width = 1920; /* client 1's scanout */
    env_notify_clear();
    env_display_event();
    gpu_req_t q;
    assert_true(env_driver_take(&q));
    assert_int_equal(q.code, GPU_REQ_GET_DISPLAY_INFO);
    assert_false(gpu_event_take(&E->clients[1].info.event, NULL)); /* not before the new info is in */
    env_driver_answer_ok(&q);
    env_driver_kick();
    uint32_t gen = 0;
    assert_true(gpu_event_take(&E->clients[1].info.event, &gen));
    assert_int_equal(gen, 1);
    assert_false(gpu_event_take(&E->clients[0].info.event, NULL));
    assert_false(gpu_event_take(&E->clients[2].info.event, NULL));
    assert_true(E->notify.clients & (1u << 1));
    assert_false(E->notify.clients & 1u);
    gpu_req_t info = req_display_info();
    assert_int_equal(env_call_local(1, &info), GPU_STATUS_OK);
    assert_int_equal(E->clients[1].info.display.scanouts[0].rect.width, 1920);

    /* Scanout 2 (client 0's virtual 0) is unplugged. */
    E->opts.device.scanouts[2].enabled = 0;
    env_display_event();
    env_driver_serve();
    assert_true(gpu_event_take(&E->clients[0].info.event, NULL));
    assert_false(gpu_event_take(&E->clients[1].info.event, NULL));
}

/* The re-query is retried after driver errors and when the driver queue is full. */
static void test_display_retry(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 2);
    o.drv_req_cap = 2;
    env_setup_ready(&o);
    gpu_req_t c = req_create_2d(1, FMT, 8, 8);
    assert_int_equal(env_call(0, &c), GPU_STATUS_OK);
    /* Fill the driver queue with two flushes, then signal a display change. */
    gpu_req_t f = req_flush(1, 0, 0, 8, 8);
    env_client_push(0, &f);
    env_client_push(0, &f);
    env_client_kick(0);
    assert_int_equal(env_driver_pending(), 2);
    E->opts.device.scanouts[0].rect.height = 1080;
    env_display_event();
    assert_int_equal(env_driver_pending(), 2); /* no room yet */
    gpu_req_t d;
    assert_true(env_driver_take(&d)); /* frees a slot: the driver's signal brings the query in */
    env_driver_answer(d.id, d.code, GPU_STATUS_OK);
    assert_true(env_driver_take(&d));
    env_driver_answer(d.id, d.code, GPU_STATUS_OK);
    env_driver_kick();
    gpu_req_t q;
    assert_true(env_driver_take(&q));
    assert_int_equal(q.code, GPU_REQ_GET_DISPLAY_INFO);
    /* The driver fails it twice; the virtualiser asks again each time. */
    for (int i = 0; i < 2; i++) {
        env_driver_answer(q.id, q.code, GPU_STATUS_DEVICE_ERROR);
        env_driver_kick();
        assert_false(gpu_event_take(&E->clients[0].info.event, NULL));
        assert_true(env_driver_take(&q));
        assert_int_equal(q.code, GPU_REQ_GET_DISPLAY_INFO);
    }
    env_driver_answer_ok(&q);
    env_driver_kick();
    assert_true(gpu_event_take(&E->clients[0].info.event, NULL));
    assert_int_equal(env_driver_pending(), 0);
}

/* A device that never answers display info well: retries run out, then GET_DISPLAY_INFO fails instead of hanging. */
static void test_display_gives_up(void **state)
{
    (void)state;
    env_opts_t o;
    env_default_opts(&o, 1);
    assert_int_equal(env_setup(&o), GPU_VIRT_OK);
    gpu_req_t info = req_display_info();
    uint32_t id = env_client_send(0, &info);
    gpu_req_t q;
    uint32_t queries = 0;
    while (env_driver_take(&q)) {
        assert_int_equal(q.code, GPU_REQ_GET_DISPLAY_INFO);
        E->drv_info.display.num_scanouts = 99; /* bogus even when "OK" */
        env_driver_answer(q.id, q.code, queries % 2 ? GPU_STATUS_OK : GPU_STATUS_UNSPEC);
        env_driver_kick();
        queries++;
        assert_true(queries <= GPU_VIRT_DISPLAY_RETRIES + 1);
    }
    assert_int_equal(queries, GPU_VIRT_DISPLAY_RETRIES + 1);
    gpu_resp_t r;
    assert_true(env_client_recv(0, &r));
    assert_int_equal(r.id, id);
    assert_int_equal(r.status, GPU_STATUS_DEVICE_ERROR);
    /* A display event starts over; a good answer raises the event for the client that was refused, and it gets ready.
     */
    assert_false(gpu_event_take(&E->clients[0].info.event, NULL));
    env_notify_clear();
    env_display_event();
    env_driver_serve();
    assert_true(gpu_event_take(&E->clients[0].info.event, NULL));
    assert_true(E->notify.clients & 1u);
    assert_int_equal(env_call_local(0, &info), GPU_STATUS_OK);
}

/*
 * Device loss: the driver reset the device (its display info has a new
 * device_epoch). A request at the driver when that happened is answered
 * DEVICE_ERROR; requests arriving while display info is refreshed wait; then
 * every client's resources, ids and memory are forgotten, each client gets
 * the display event and is NOT_READY until it asks GET_DISPLAY_INFO, which
 * shows the new epoch; after that, ids and memory are all there again.
 */
static void test_device_loss(void **state)
{
    (void)state;
    setup3();
    gpu_req_t c1 = req_create_2d(1, FMT, 64, 64);
    assert_int_equal(env_call(0, &c1), GPU_STATUS_OK);
    gpu_req_t pending = send_expect_forward(0, req_create_2d(2, FMT, 64, 64)); /* cut short by the reset */
    E->opts.device.device_epoch = 1;
    env_display_event();
    gpu_req_t query;
    assert_true(env_driver_take(&query));
    assert_int_equal(query.code, GPU_REQ_GET_DISPLAY_INFO);
    gpu_req_t f = req_flush(1, 0, 0, 16, 16);
    env_client_send(1, &f); /* client 1 has no resource 1: answered at once, not a device request */
    gpu_req_t c3 = req_create_2d(3, FMT, 16, 16);
    env_client_send(0, &c3); /* device-bound: waits for the refreshed display info */
    assert_int_equal(env_driver_pending(), 0);
    env_driver_answer_ok(&query);
    env_driver_answer(pending.id, pending.code, GPU_STATUS_DEVICE_ERROR);
    env_driver_kick();
    assert_int_equal(E->virt.device_losses, 1);
    assert_int_equal(E->virt.devid_orphans, 0);
    assert_int_equal(E->virt.clients[0].devids, 0);
    assert_int_equal(E->virt.clients[0].memory, 0);
    assert_int_equal(env_driver_pending(), 0); /* the held create is NOT_READY now, never forwarded */
    gpu_resp_t r;
    assert_true(env_client_recv(0, &r));
    assert_int_equal(r.status, GPU_STATUS_DEVICE_ERROR);
    assert_true(env_client_recv(0, &r));
    assert_int_equal(r.status, GPU_STATUS_NOT_READY);
    for (uint32_t c = 0; c < 3; c++) {
        uint32_t generation;
        assert_true(gpu_event_take(&E->clients[c].info.event, &generation));
    }
    gpu_req_t info = req_display_info();
    assert_int_equal(env_call_local(0, &info), GPU_STATUS_OK);
    assert_int_equal(E->clients[0].info.display.device_epoch, 1);
    assert_int_equal(env_call(0, &c1), GPU_STATUS_OK); /* id 1 is free again */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_translation),
            cmocka_unit_test(test_error_propagation),
            cmocka_unit_test(test_refused_create),
            cmocka_unit_test(test_device_error_create_retires_id),
            cmocka_unit_test(test_failed_unref_and_attach),
            cmocka_unit_test(test_stale_driver_ids),
            cmocka_unit_test(test_dependent_requests_in_order),
            cmocka_unit_test(test_scanout_order),
            cmocka_unit_test(test_pipelined_out_of_order),
            cmocka_unit_test(test_stream_hands_over),
            cmocka_unit_test(test_display_view),
            cmocka_unit_test(test_display_deferred),
            cmocka_unit_test(test_display_event),
            cmocka_unit_test(test_display_retry),
            cmocka_unit_test(test_display_gives_up),
            cmocka_unit_test(test_device_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
