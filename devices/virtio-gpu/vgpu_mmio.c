/*
 * virtio-mmio version 2 register interface of the device model (virtio 1.2
 * section 4.2.2): identification, feature negotiation, the status state
 * machine with reset, queue configuration, notification, interrupts and the
 * virtio-gpu configuration space. Also creation and destruction.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vgpu_internal.h"

#define VGPU_DEFAULT_FEATURES                                                                                          \
    (VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_RESOURCE_BLOB) |                         \
     VIRTIO_FEATURE_BIT(VIRTIO_GPU_F_EDID))

void vgpu_model_config_default(vgpu_model_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->features = VGPU_DEFAULT_FEATURES;
    cfg->num_scanouts = 1;
    for (uint32_t i = 0; i < VGPU_MODEL_MAX_SCANOUTS; i++) {
        cfg->width[i] = 1280;
        cfg->height[i] = 800;
    }
    cfg->queue_num_max = 256;
    cfg->max_hostmem = 256ull << 20;
    cfg->max_resources = 4096;
    cfg->enabled_mask = 1;
}

static int config_valid(const vgpu_model_config_t *cfg)
{
    if (cfg->translate == NULL || cfg->num_scanouts == 0 || cfg->num_scanouts > VGPU_MODEL_MAX_SCANOUTS) {
        return 0;
    }
    if (cfg->queue_num_max == 0 || cfg->queue_num_max > VIRTQ_MAX_SIZE) {
        return 0;
    }
    for (uint32_t i = 0; i < cfg->num_scanouts; i++) {
        if (cfg->width[i] == 0 || cfg->height[i] == 0 || cfg->width[i] > VGPU_MAX_DIM ||
            cfg->height[i] > VGPU_MAX_DIM) {
            return 0;
        }
    }
    return 1;
}

vgpu_model_t *vgpu_model_create(const vgpu_model_config_t *cfg)
{
    if (cfg == NULL || !config_valid(cfg)) {
        return NULL;
    }
    vgpu_model_t *m = calloc(1, sizeof(*m));
    if (m == NULL) {
        return NULL;
    }
    m->cfg = *cfg;
    m->req = malloc(VGPU_REQ_MAX);
    m->chain.segs = calloc(cfg->queue_num_max, sizeof(vgpu_seg_t));
    if (m->req == NULL || m->chain.segs == NULL || pthread_mutex_init(&m->lock, NULL) != 0) {
        goto fail;
    }
    for (uint32_t i = 0; i < cfg->num_scanouts; i++) {
        vgpu_scanout_t *s = &m->scanouts[i];
        s->mode_w = cfg->width[i];
        s->mode_h = cfg->height[i];
        s->connected = (cfg->enabled_mask >> i) & 1u;
        if (vgpu_scanout_fb_alloc(s, s->mode_w, s->mode_h) != 0) {
            pthread_mutex_destroy(&m->lock);
            goto fail;
        }
    }
    return m;
fail:
    for (uint32_t i = 0; i < VGPU_MODEL_MAX_SCANOUTS; i++) {
        free(m->scanouts[i].fb);
    }
    free(m->chain.segs);
    free(m->req);
    free(m);
    return NULL;
}

void vgpu_model_destroy(vgpu_model_t *m)
{
    if (m == NULL) {
        return;
    }
    vgpu_resource_destroy_all(m);
    free(m->resources);
    for (uint32_t i = 0; i < VGPU_MODEL_MAX_SCANOUTS; i++) {
        free(m->scanouts[i].fb);
    }
    vgpu_completions_free(&m->batch);
    vgpu_completions_free(&m->faults.held);
    free(m->chain.segs);
    free(m->req);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void vgpu_lock(const vgpu_model_t *m)
{
    pthread_mutex_lock((pthread_mutex_t *)&m->lock);
}

/* Unlocks, then calls the interrupt callback if an interrupt was raised. */
void vgpu_unlock(vgpu_model_t *m)
{
    int call = m->irq_pending_callback;
    m->irq_pending_callback = 0;
    void (*fn)(void *) = m->cfg.irq_notify;
    void *ctx = m->cfg.irq_ctx;
    pthread_mutex_unlock(&m->lock);
    if (call && fn != NULL) {
        fn(ctx);
    }
}

void vgpu_raise_irq(vgpu_model_t *m, uint32_t bits)
{
    m->isr |= bits;
    m->stats.interrupts++;
    m->irq_pending_callback = 1;
}

/* As QEMU (virtio_notify_config): the interrupt only once the driver has set
 * DRIVER_OK; before that the change is visible in configuration space only. */
void vgpu_config_changed(vgpu_model_t *m)
{
    m->config_generation++;
    if (m->status & VIRTIO_STATUS_DRIVER_OK) {
        vgpu_raise_irq(m, VIRTIO_MMIO_INT_CONFIG);
    }
}

/* The device stops until the driver resets it (DEVICE_NEEDS_RESET,
 * announced with a configuration-change interrupt). */
void vgpu_needs_reset(vgpu_model_t *m, const char *what)
{
    snprintf(m->last_error, sizeof(m->last_error), "%s", what);
    if (!(m->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
        m->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
        vgpu_config_changed(m);
    }
}

/* A malformed chain or ring: counted, then DEVICE_NEEDS_RESET. */
void vgpu_device_error(vgpu_model_t *m, const char *what)
{
    m->stats.malformed++;
    vgpu_needs_reset(m, what);
}

int vgpu_has_feature(const vgpu_model_t *m, unsigned bit)
{
    return (m->negotiated & VIRTIO_FEATURE_BIT(bit)) != 0;
}

/* Status 0: everything the driver set up is forgotten (the test-side
 * display modes and the fault knobs stay). */
static void device_reset(vgpu_model_t *m)
{
    vgpu_resource_destroy_all(m);
    vgpu_scanouts_reset(m);
    memset(&m->cursor, 0, sizeof(m->cursor));
    memset(m->queues, 0, sizeof(m->queues));
    m->status = 0;
    m->dev_features_sel = 0;
    m->drv_features_sel = 0;
    m->driver_features = 0;
    m->negotiated = 0;
    m->queue_sel = 0;
    m->isr = 0;
    m->events_read = 0;
    m->notified = 0;
    m->batch.count = 0;
    m->faults.held.count = 0;
    m->last_error[0] = '\0';
    m->stats.resets++;
}

/* FEATURES_OK is refused (not stored) when the driver accepted a feature
 * that was not offered, or did not accept VERSION_1. */
static int features_acceptable(const vgpu_model_t *m)
{
    if (m->driver_features & ~m->cfg.features) {
        return 0;
    }
    return (m->driver_features & VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1)) != 0;
}

static void status_write(vgpu_model_t *m, uint32_t value)
{
    if (value == 0) {
        device_reset(m);
        return;
    }
    uint32_t next = (value & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) | (m->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    if ((value & VIRTIO_STATUS_FEATURES_OK) && !(m->status & VIRTIO_STATUS_FEATURES_OK)) {
        if (features_acceptable(m)) {
            m->negotiated = m->driver_features;
        } else {
            next &= ~VIRTIO_STATUS_FEATURES_OK;
            snprintf(m->last_error, sizeof(m->last_error), "FEATURES_OK refused: features 0x%llx",
                     (unsigned long long)m->driver_features);
        }
    }
    m->status = next;
}

static uint32_t device_features_read(const vgpu_model_t *m)
{
    if (m->dev_features_sel > 1) {
        return 0;
    }
    return (uint32_t)(m->cfg.features >> (32u * m->dev_features_sel));
}

static void driver_features_write(vgpu_model_t *m, uint32_t value)
{
    if (m->drv_features_sel > 1 || (m->status & VIRTIO_STATUS_FEATURES_OK)) {
        return;
    }
    unsigned shift = 32u * m->drv_features_sel;
    m->driver_features &= ~(0xffffffffull << shift);
    m->driver_features |= (uint64_t)value << shift;
}

static vgpu_queue_t *selected_queue(vgpu_model_t *m)
{
    return m->queue_sel < VGPU_NUM_QUEUES ? &m->queues[m->queue_sel] : NULL;
}

static uint32_t queue_read(vgpu_model_t *m, uint32_t offset)
{
    vgpu_queue_t *q = selected_queue(m);
    if (q == NULL) {
        return 0;
    }
    switch (offset) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return m->cfg.queue_num_max;
    case VIRTIO_MMIO_QUEUE_NUM:
        return q->num;
    case VIRTIO_MMIO_QUEUE_READY:
        return q->ready;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        return (uint32_t)q->desc_addr;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        return (uint32_t)(q->desc_addr >> 32);
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        return (uint32_t)q->driver_addr;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        return (uint32_t)(q->driver_addr >> 32);
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        return (uint32_t)q->device_addr;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return (uint32_t)(q->device_addr >> 32);
    default:
        return 0;
    }
}

static void set_low(uint64_t *reg, uint32_t value)
{
    *reg = (*reg & 0xffffffff00000000ull) | value;
}

static void set_high(uint64_t *reg, uint32_t value)
{
    *reg = (*reg & 0xffffffffull) | ((uint64_t)value << 32);
}

static void queue_ready_write(vgpu_model_t *m, vgpu_queue_t *q, uint32_t value)
{
    if (value == 0) {
        q->ready = 0;
        return;
    }
    if (q->ready) {
        return; /* already running: keep the ring positions */
    }
    q->last_avail = 0;
    q->used_idx = 0;
    q->ready = vgpu_queue_setup_ok(m, m->queue_sel);
}

/* Queue configuration is only taken while the queue is not ready. */
static void queue_write(vgpu_model_t *m, uint32_t offset, uint32_t value)
{
    vgpu_queue_t *q = selected_queue(m);
    if (q == NULL || (q->ready && offset != VIRTIO_MMIO_QUEUE_READY)) {
        return;
    }
    switch (offset) {
    case VIRTIO_MMIO_QUEUE_NUM:
        q->num = value;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        queue_ready_write(m, q, value);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        set_low(&q->desc_addr, value);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        set_high(&q->desc_addr, value);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        set_low(&q->driver_addr, value);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        set_high(&q->driver_addr, value);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        set_low(&q->device_addr, value);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        set_high(&q->device_addr, value);
        break;
    default:
        break;
    }
}

static uint32_t config_read(const vgpu_model_t *m, uint32_t offset)
{
    switch (offset - VIRTIO_MMIO_CONFIG) {
    case offsetof(virtio_gpu_config_t, events_read):
        return m->events_read;
    case offsetof(virtio_gpu_config_t, num_scanouts):
        return m->cfg.num_scanouts;
    default:
        return 0; /* events_clear reads 0; num_capsets is 0 */
    }
}

static void config_write(vgpu_model_t *m, uint32_t offset, uint32_t value)
{
    if (offset - VIRTIO_MMIO_CONFIG == offsetof(virtio_gpu_config_t, events_clear)) {
        m->events_read &= ~value;
    }
}

static uint32_t mmio_read_locked(vgpu_model_t *m, uint32_t offset)
{
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC_VALUE_LE;
    case VIRTIO_MMIO_VERSION:
        return VIRTIO_MMIO_VERSION_MODERN;
    case VIRTIO_MMIO_DEVICE_ID:
        return VIRTIO_ID_GPU;
    case VIRTIO_MMIO_VENDOR_ID:
        return VGPU_VENDOR_ID;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return device_features_read(m);
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return m->isr;
    case VIRTIO_MMIO_STATUS:
        return m->status;
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return m->config_generation;
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH:
        return 0xffffffffu; /* no shared memory regions */
    default:
        break;
    }
    if (offset >= VIRTIO_MMIO_CONFIG && offset < VIRTIO_MMIO_CONFIG + sizeof(virtio_gpu_config_t)) {
        return config_read(m, offset);
    }
    return queue_read(m, offset);
}

uint32_t vgpu_model_mmio_read(vgpu_model_t *m, uint32_t offset)
{
    vgpu_lock(m);
    uint32_t v = mmio_read_locked(m, offset);
    vgpu_unlock(m);
    return v;
}

static void notify_write(vgpu_model_t *m, uint32_t value)
{
    if (value < VGPU_NUM_QUEUES) {
        m->notified |= 1u << value;
    }
}

static void mmio_write_locked(vgpu_model_t *m, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        m->dev_features_sel = value;
        return;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        driver_features_write(m, value);
        return;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        m->drv_features_sel = value;
        return;
    case VIRTIO_MMIO_QUEUE_SEL:
        m->queue_sel = value;
        return;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        notify_write(m, value);
        return;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        m->isr &= ~value;
        return;
    case VIRTIO_MMIO_STATUS:
        status_write(m, value);
        return;
    default:
        break;
    }
    if (offset >= VIRTIO_MMIO_CONFIG && offset < VIRTIO_MMIO_CONFIG + sizeof(virtio_gpu_config_t)) {
        config_write(m, offset, value);
        return;
    }
    queue_write(m, offset, value);
}

void vgpu_model_mmio_write(vgpu_model_t *m, uint32_t offset, uint32_t value)
{
    vgpu_lock(m);
    mmio_write_locked(m, offset, value);
    vgpu_unlock(m);
}

int vgpu_model_irq_level(const vgpu_model_t *m)
{
    vgpu_lock(m);
    int level = m->isr != 0;
    vgpu_unlock((vgpu_model_t *)m);
    return level;
}

uint32_t vgpu_model_notified(const vgpu_model_t *m)
{
    vgpu_lock(m);
    uint32_t v = m->notified;
    vgpu_unlock((vgpu_model_t *)m);
    return v;
}

uint32_t vgpu_model_status(const vgpu_model_t *m)
{
    vgpu_lock(m);
    uint32_t v = m->status;
    vgpu_unlock((vgpu_model_t *)m);
    return v;
}

const char *vgpu_model_last_error(const vgpu_model_t *m)
{
    return m->last_error;
}

unsigned vgpu_model_process(vgpu_model_t *m)
{
    vgpu_lock(m);
    unsigned n = vgpu_queue_process_all(m);
    vgpu_unlock(m);
    return n;
}

void vgpu_model_set_scanout(vgpu_model_t *m, uint32_t idx, uint32_t w, uint32_t h, int enabled)
{
    if (idx >= m->cfg.num_scanouts || w == 0 || h == 0 || w > VGPU_MAX_DIM || h > VGPU_MAX_DIM) {
        return;
    }
    vgpu_lock(m);
    vgpu_scanout_t *s = &m->scanouts[idx];
    s->mode_w = w;
    s->mode_h = h;
    s->connected = enabled != 0;
    if (s->set.resource_id == 0) {
        (void)vgpu_scanout_fb_alloc(s, w, h);
    }
    m->events_read |= VIRTIO_GPU_EVENT_DISPLAY;
    vgpu_config_changed(m);
    vgpu_unlock(m);
}

void vgpu_model_stats(const vgpu_model_t *m, vgpu_model_stats_t *out)
{
    vgpu_lock(m);
    *out = m->stats;
    vgpu_unlock((vgpu_model_t *)m);
}
