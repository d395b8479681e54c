/*
 * GPU virtualiser glue: Microkit-style entry points around the pure core in
 * gpu_virt.c. Owns the configuration variable and turns the core's
 * gpu_virt_notify_t into deferred notifications.
 */
#define SDDF_LOG_COMPONENT "GPU_VIRT"

#include <stdbool.h>
#include <stdint.h>

#include <sddf/log.h>
#include <sddf/os.h>

#include "gpu_virt.h"

/* Filled in by the system build (patched into this section of the image). */
gpu_virt_config_t gpu_virt_config __attribute__((section(".gpu_virt_config")));

/*
 * IO addresses of the clients' data regions that are only known when the
 * system is built (Microkit places regions without phys_addr): a client
 * whose config says data_io_base = GPU_VIRT_IO_BASE_SETVAR gets the value of
 * gpu_virt_data_paddr<i>, set by <setvar symbol="gpu_virt_data_paddr<i>"
 * region_paddr="..."/> in the system description.
 */
#define DATA_PADDR_SYMBOL(i) uintptr_t gpu_virt_data_paddr##i;
DATA_PADDR_SYMBOL(0)
DATA_PADDR_SYMBOL(1)
DATA_PADDR_SYMBOL(2)
DATA_PADDR_SYMBOL(3)
DATA_PADDR_SYMBOL(4)
DATA_PADDR_SYMBOL(5)
DATA_PADDR_SYMBOL(6)
DATA_PADDR_SYMBOL(7)
DATA_PADDR_SYMBOL(8)
DATA_PADDR_SYMBOL(9)
DATA_PADDR_SYMBOL(10)
DATA_PADDR_SYMBOL(11)
DATA_PADDR_SYMBOL(12)
DATA_PADDR_SYMBOL(13)
DATA_PADDR_SYMBOL(14)
DATA_PADDR_SYMBOL(15)

static const uintptr_t *const data_paddr[GPU_VIRT_CONFIG_MAX_CLIENTS] = {
        &gpu_virt_data_paddr0,  &gpu_virt_data_paddr1,  &gpu_virt_data_paddr2,  &gpu_virt_data_paddr3,
        &gpu_virt_data_paddr4,  &gpu_virt_data_paddr5,  &gpu_virt_data_paddr6,  &gpu_virt_data_paddr7,
        &gpu_virt_data_paddr8,  &gpu_virt_data_paddr9,  &gpu_virt_data_paddr10, &gpu_virt_data_paddr11,
        &gpu_virt_data_paddr12, &gpu_virt_data_paddr13, &gpu_virt_data_paddr14, &gpu_virt_data_paddr15,
};

static gpu_virt_config_t virt_config; /* gpu_virt_config with the IO bases filled in */
static gpu_virt_t virt;
static bool virt_ready;

static void notify_flush(const gpu_virt_notify_t *n)
{
    if (n->driver) {
        sddf_deferred_notify(virt_config.driver.channel);
    }
    for (uint32_t i = 0; i < virt.num_clients; i++) {
        const gpu_virt_client_config_t *c = &virt_config.clients[i];
        if (n->clients & (1u << i)) {
            sddf_deferred_notify(c->conn.channel);
        }
        if (n->released & (1u << i)) {
            LOG_INFO("client %u released: %u resources and %u scanouts freed\n", i, virt.clients[i].released_resources,
                     virt.clients[i].released_scanouts);
        }
        if ((n->released & (1u << i)) && c->release_channel != GPU_VIRT_NO_CHANNEL) {
            sddf_deferred_notify(c->release_channel);
        }
    }
}

void init(void)
{
    virt_config = gpu_virt_config;
    for (uint32_t i = 0; i < GPU_VIRT_CONFIG_MAX_CLIENTS; i++) {
        if (virt_config.clients[i].data_io_base == GPU_VIRT_IO_BASE_SETVAR) {
            virt_config.clients[i].data_io_base = *data_paddr[i];
        }
    }
    gpu_virt_notify_t n = {0};
    int err = gpu_virt_init(&virt, &virt_config, &n);
    if (err != GPU_VIRT_OK) {
        LOG_ERR("configuration rejected (error %d; magic 0x%x, version %u, %u clients)\n", err, virt_config.magic,
                virt_config.version, virt_config.num_clients);
        return;
    }
    virt_ready = true;
    LOG_INFO("%u clients\n", virt.num_clients);
    for (uint32_t i = 0; i < virt.num_clients; i++) {
        LOG_INFO("client %u: data region at IO address 0x%llx, %llu bytes\n", i,
                 (unsigned long long)virt_config.clients[i].data_io_base,
                 (unsigned long long)virt_config.clients[i].data_size);
    }
    notify_flush(&n);
}

void notified(sddf_channel_t ch)
{
    if (!virt_ready) {
        return;
    }
    gpu_virt_notify_t n = {0};
    bool known = false;
    if (ch == virt_config.driver.channel) {
        gpu_virt_handle_driver(&virt, &n);
        known = true;
    }
    for (uint32_t i = 0; i < virt.num_clients; i++) {
        const gpu_virt_client_config_t *c = &virt_config.clients[i];
        if (ch == c->conn.channel) {
            gpu_virt_handle_client(&virt, i, &n);
            known = true;
        }
        if (ch == c->release_channel) {
            gpu_virt_release_client(&virt, i, &n);
            known = true;
        }
    }
    if (!known) {
        LOG_WARN("notification on unexpected channel %u\n", ch);
    }
    notify_flush(&n);
}
