/*
 * The whole-stack rig of system_rig.h.
 */
#include <stdlib.h>
#include <string.h>

#include "system_rig.h"

static void *zalloc(size_t size)
{
    void *p = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
    if (p == NULL) {
        abort();
    }
    memset(p, 0, size);
    return p;
}

static void client_notify(void *ctx)
{
    sys_client_t *sc = ctx;
    sc->to_virt = true;
}

static void client_display(gpu_client_t *c, void *ctx)
{
    sys_client_t *sc = ctx;
    sc->display_changes++;
    if (sc->on_display != NULL) {
        sc->on_display(c, sc->on_display_ctx);
    }
}

static void client_reset(gpu_client_t *c, void *ctx)
{
    sys_client_t *sc = ctx;
    sc->device_resets++;
    if (sc->on_reset != NULL) {
        sc->on_reset(c, sc->on_display_ctx);
    }
}

static void setup_client(sys_rig_t *r, uint32_t i, const sys_client_spec_t *spec)
{
    sys_client_t *sc = &r->clients[i];
    sc->req_region = zalloc(GPU_QUEUE_REGION_SIZE(SYS_QUEUE_CAP, sizeof(gpu_req_t)));
    sc->resp_region = zalloc(GPU_QUEUE_REGION_SIZE(SYS_QUEUE_CAP, sizeof(gpu_resp_t)));
    sc->info = zalloc(sizeof(gpu_info_region_t));
    sc->data = r->h->data + (size_t)i * SYS_CLIENT_DATA;
    sc->cfg = (gpu_client_config_t){
            .magic = GPU_CLIENT_CONFIG_MAGIC,
            .version = GPU_CLIENT_CONFIG_VERSION,
            .req_region = sc->req_region,
            .req_capacity = SYS_QUEUE_CAP,
            .resp_region = sc->resp_region,
            .resp_capacity = SYS_QUEUE_CAP,
            .info = sc->info,
            .data = sc->data,
            .data_size = spec->data_size != 0 ? spec->data_size : SYS_CLIENT_DATA,
            .notify = client_notify,
            .display_changed = client_display,
            .device_reset = client_reset,
            .ctx = sc,
    };
    if (!gpu_client_init(&sc->client, &sc->cfg)) {
        abort();
    }
    gpu_virt_client_config_t *vc = &r->vcfg.clients[i];
    vc->conn = (gpu_virt_conn_config_t){
            .req_queue = (uint64_t)(uintptr_t)sc->req_region,
            .resp_queue = (uint64_t)(uintptr_t)sc->resp_region,
            .info = (uint64_t)(uintptr_t)sc->info,
            .req_capacity = SYS_QUEUE_CAP,
            .resp_capacity = SYS_QUEUE_CAP,
            .channel = i + 1,
    };
    vc->data_size = sc->cfg.data_size;
    vc->data_io_base = VH_DATA_IO + (uint64_t)i * SYS_CLIENT_DATA;
    vc->max_resources = spec->max_resources != 0 ? spec->max_resources : SYS_MAX_RES;
    vc->max_memory = SYS_MAX_MEMORY;
    vc->release_channel = GPU_VIRT_NO_CHANNEL;
    vc->num_scanouts = spec->num_scanouts;
    memcpy(vc->scanouts, spec->scanouts, sizeof(vc->scanouts));
}

static void apply(sys_rig_t *r, const gpu_virt_notify_t *n)
{
    r->to_clients |= n->clients;
    if (n->driver) {
        gpu_driver_handle_requests(r->h->drv);
        if (gpu_driver_take_signal(r->h->drv)) {
            r->h->signals++;
        }
    }
}

sys_rig_t *sys_rig_new(const vh_options_t *opt, uint32_t n, const sys_client_spec_t *specs)
{
    sys_rig_t *r = calloc(1, sizeof(*r));
    vh_options_t o = *opt;
    o.data_size = (uint64_t)SYS_MAX_CLIENTS * SYS_CLIENT_DATA;
    o.display_info_first = false; /* the virtualiser asks itself */
    if (r == NULL || n > SYS_MAX_CLIENTS || (r->h = vh_create(&o)) == NULL) {
        abort();
    }
    /* The rest of the driver glue's init(): look at the request queue once, which arms it. */
    if (r->h->init_result != GPU_DRIVER_INIT_BAD_CONFIG) {
        gpu_driver_handle_requests(r->h->drv);
        if (gpu_driver_take_signal(r->h->drv)) {
            r->h->signals++;
        }
    }
    r->num_clients = n;
    r->vcfg.magic = GPU_VIRT_CONFIG_MAGIC;
    r->vcfg.version = GPU_VIRT_CONFIG_VERSION;
    r->vcfg.num_clients = n;
    r->vcfg.device_memory = SYS_MAX_MEMORY * n;
    r->vcfg.driver = (gpu_virt_conn_config_t){
            .req_queue = (uint64_t)(uintptr_t)r->h->req_region,
            .resp_queue = (uint64_t)(uintptr_t)r->h->resp_region,
            .info = (uint64_t)(uintptr_t)r->h->info,
            .req_capacity = o.req_capacity,
            .resp_capacity = o.resp_capacity,
            .channel = 0,
    };
    for (uint32_t i = 0; i < n; i++) {
        setup_client(r, i, &specs[i]);
    }
    r->virt = zalloc(sizeof(gpu_virt_t));
    gpu_virt_notify_t note = {0};
    r->virt_init = gpu_virt_init(r->virt, &r->vcfg, &note);
    if (r->virt_init == GPU_VIRT_OK) {
        apply(r, &note);
    }
    r->seen_driver_signals = r->h->signals;
    return r;
}

sys_rig_t *sys_rig_two_heads(void)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.num_scanouts = 2;
    opt.model.enabled_mask = 3;
    opt.model.width[0] = 640;
    opt.model.height[0] = 480;
    opt.model.width[1] = 800;
    opt.model.height[1] = 600;
    sys_client_spec_t specs[3] = {
            {.num_scanouts = 1, .scanouts = {0}},
            {.num_scanouts = 1, .scanouts = {1}},
            {.num_scanouts = 0},
    };
    return sys_rig_new(&opt, 3, specs);
}

sys_rig_t *sys_rig_one_head(uint64_t features, uint32_t w, uint32_t h)
{
    vh_options_t opt;
    vh_options_default(&opt);
    opt.model.features = features;
    opt.model.width[0] = w;
    opt.model.height[0] = h;
    sys_client_spec_t spec = {.num_scanouts = 1, .scanouts = {0}};
    return sys_rig_new(&opt, 1, &spec);
}

void sys_rig_free(sys_rig_t *r)
{
    for (uint32_t i = 0; i < r->num_clients; i++) {
        free(r->clients[i].req_region);
        free(r->clients[i].resp_region);
        free(r->clients[i].info);
    }
    free(r->virt);
    vh_destroy(r->h);
    free(r);
}

void sys_client_start(sys_rig_t *r, uint32_t i)
{
    gpu_client_start(&r->clients[i].client);
}

/* One round in the fixed order. Returns true if anything was delivered. */
static bool round_once(sys_rig_t *r)
{
    bool moved = false;
    gpu_virt_notify_t n;
    for (uint32_t i = 0; i < r->num_clients; i++) {
        if (r->clients[i].to_virt) {
            r->clients[i].to_virt = false;
            n = (gpu_virt_notify_t){0};
            gpu_virt_handle_client(r->virt, i, &n);
            apply(r, &n);
            moved = true;
        }
    }
    if (r->h->signals != r->seen_driver_signals) {
        r->seen_driver_signals = r->h->signals;
        n = (gpu_virt_notify_t){0};
        gpu_virt_handle_driver(r->virt, &n);
        apply(r, &n);
        moved = true;
    }
    uint32_t before = r->h->signals;
    vh_run(r->h);
    moved = moved || r->h->signals != before;
    uint32_t wake = r->to_clients;
    r->to_clients = 0;
    for (uint32_t i = 0; i < r->num_clients; i++) {
        if ((wake & (1u << i)) && !r->clients[i].deaf) {
            gpu_client_notified(&r->clients[i].client);
            moved = true;
        }
    }
    return moved;
}

void sys_rig_run(sys_rig_t *r)
{
    r->rounds = 0;
    while (round_once(r) && r->rounds < 100000) {
        r->rounds++;
    }
}

const uint32_t *sys_rig_screen(const sys_rig_t *r, uint32_t idx, uint32_t *w, uint32_t *h)
{
    return vgpu_model_framebuffer(r->h->model, idx, w, h);
}
