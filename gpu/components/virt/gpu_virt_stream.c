/*
 * GPU virtualiser core: the fast path of a client's notification.
 *
 * A client that draws sends runs of TRANSFER_TO_2D and RESOURCE_FLUSH on
 * settled resources. When nothing else is going on (the client holds no
 * request and is not being released, no other client waits for driver
 * room, no display query or device loss is under way), such a run needs
 * none of the general serve's machinery: each request is copied out once,
 * passes the checks' fast path (gpu_virt_check.h) and goes into the next
 * driver slot, as the general serve would send it.
 *
 * The fast path takes requests only while each one is a streaming request
 * its checks' fast path accepts and there is room for it (its answer and a
 * driver slot with an in-flight entry). It stops at the first one that is
 * not, without taking it, and the general serve (virt_client_serve() in
 * gpu_virt_forward.c) goes on from there with a fresh look at the queue: a
 * request that fails a check, waits or is another command is always handled
 * there, so every status and every hold is the general serve's. Only when
 * it took every request there is does it finish the notification itself:
 * arm the queue, mark the client idle, publish and look at the signal
 * flags (stream_finish()).
 */
#include "gpu_virt_check.h"

/* May the fast path serve client `cl` on its own notification? The general serve's special cases are all absent. */
static inline bool stream_may_serve(const gpu_virt_t *virt, const gpu_virt_client_t *cl)
{
    return cl->initialised && !cl->has_held && cl->release_phase == GPU_VIRT_RELEASE_NONE && virt->drv_waiting == 0 &&
           !virt_device_barrier(virt);
}

_Static_assert(offsetof(gpu_req_t, transfer_to_2d.resource_id) == offsetof(gpu_req_t, flush.resource_id),
               "a streaming request names its resource at the same place");

/* The bytes of a streaming request: its header and the larger of the two bodies. */
#define STREAM_BYTES (offsetof(gpu_req_t, raw) + sizeof(gpu_req_transfer_to_2d_t))
_Static_assert(sizeof(gpu_req_flush_t) <= sizeof(gpu_req_transfer_to_2d_t), "a flush fits STREAM_BYTES");

/*
 * Request `req` (the private copy): if it is a TRANSFER_TO_2D or
 * RESOURCE_FLUSH that its checks' fast path accepts, turn the copy into its
 * driver form and send it; otherwise do nothing and return false. Each
 * command writes its driver slot with its own constant length, so that the
 * copies are unrolled.
 */
static inline __attribute__((always_inline)) bool stream_forward(gpu_virt_t *virt, gpu_virt_client_t *cl,
                                                                 gpu_req_t *req)
{
    const gpu_virt_resource_t *r;
    if (req->code == GPU_REQ_TRANSFER_TO_2D && (r = virt_transfer_fast(cl, &req->transfer_to_2d)) != NULL) {
        req->transfer_to_2d.resource_id = r->device_id; /* the copy becomes the driver form */
        req->transfer_to_2d._pad = 0;
        virt_forward_stream(virt, cl, req, sizeof(gpu_req_transfer_to_2d_t));
        return true;
    }
    if (req->code == GPU_REQ_RESOURCE_FLUSH && (r = virt_flush_fast(cl, &req->flush)) != NULL) {
        req->flush.resource_id = r->device_id;
        virt_forward_stream(virt, cl, req, sizeof(gpu_req_flush_t));
        return true;
    }
    return false;
}

/*
 * Answers client `cl` has room for beyond those owed, at least `want` if
 * it can: by the cached head, and when that says less, by a fresh look
 * (asking for no signal: the general serve does that when it finds none).
 */
static inline uint32_t stream_answer_room(gpu_virt_client_t *cl, uint32_t want)
{
    uint32_t space = gpu_queue_cached_space(&cl->resp);
    if (space < cl->owed + want) {
        space = gpu_queue_space(&cl->resp); /* (A2) pairs with the client's (R2) */
    }
    return space > cl->owed ? space - cl->owed : 0;
}

/*
 * Every request there was is taken and sent: hand the slots back, arm the
 * request queue, publish the driver queue and look at the peers' signal
 * flags, in the order and with the barriers of the general serve and
 * notify_collect_client() (so the handshake is the model-checked one of
 * tests/model). Returns false when the arm's re-check found more requests:
 * the general serve goes on, with everything staged still marked for
 * notify_collect_client().
 */
static bool stream_finish(gpu_virt_t *virt, gpu_virt_client_t *cl, uint32_t taken, gpu_virt_notify_t *notify)
{
    gpu_queue_consumer_release(&cl->req, taken); /* (R2) pairs with the client's (A2) */
    if (!gpu_queue_consumer_arm(&cl->req)) {     /* F1, then the re-check (A1): more came meanwhile */
        virt->req_freed |= cl->bit;
        return false;
    }
    cl->req_armed = 1;
    virt->clients_idle |= cl->bit;            /* virt_client_idle(): nothing for us until it notifies */
    gpu_queue_producer_flush(&virt->drv_req); /* (R1) pairs with the driver's (A1) */
    virt->drv_req_published = 0;
    if (gpu_queue_producer_must_signal(&virt->drv_req)) { /* F2 */
        notify->driver = true;
    }
    if (gpu_queue_consumer_must_signal(&cl->req)) { /* F2 */
        notify->clients |= cl->bit;
    }
    return true;
}

/*
 * Client `cl` notified: take its streaming requests while there is room.
 * Returns true when it took every request there was, sent them and
 * published (the notification is served); false when the general serve
 * must go on from the first request not taken.
 */
static inline bool stream_take(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_notify_t *notify)
{
    if (!stream_may_serve(virt, cl)) {
        return false;
    }
    uint32_t ready = gpu_queue_length(&cl->req); /* (A1) pairs with the client's (R1) */
    uint32_t room = stream_answer_room(cl, ready);
    uint32_t n = ready < room ? ready : room;
    uint32_t drv_room = virt->drv_room >= n ? virt->drv_room : virt_driver_room_recount(virt);
    n = n < drv_room ? n : drv_room;
    uint32_t taken = 0;
    while (taken < n) {
        gpu_req_t req; /* only its first STREAM_BYTES are read: the fast path sends nothing after them */
        memcpy(&req, gpu_queue_slot(&cl->req, cl->req.own + taken, sizeof(req)), STREAM_BYTES); /* read once */
        if (!stream_forward(virt, cl, &req)) {
            break;
        }
        taken++;
    }
    if (taken == 0) {
        return false; /* nothing there, or nothing for the fast path: the general serve sees why */
    }
    cl->owed += taken;
    virt->last_sent = cl->index; /* the round-robin starts after it */
    if (taken == ready) {
        return stream_finish(virt, cl, taken, notify);
    }
    gpu_queue_consumer_release(&cl->req, taken); /* (R2) pairs with the client's (A2) */
    virt->req_freed |= cl->bit;
    return false;
}

/*
 * Client `cl` notified: the fast path, then, unless it served the
 * notification, the general serve from where it stopped
 * (virt_client_serve_rest(), which publishes through
 * notify_collect_client()). Both are tail calls of
 * gpu_virt_handle_client().
 */
void virt_stream_serve(gpu_virt_t *virt, gpu_virt_client_t *cl, gpu_virt_notify_t *notify)
{
    if (!stream_take(virt, cl, notify)) {
        virt_client_serve_rest(virt, cl, notify);
    }
}
