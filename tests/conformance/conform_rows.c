/*
 * The protocol's tables (docs/protocol.md section 7) as data: every request
 * kind with every input class and the status the protocol promises, each
 * against the fixture below. Two suites run them: tests/virt/test_virt_validate.c
 * against a scripted driver (checking also which rows reach the driver), and
 * the conformance runner (conform.c) through the whole stack, on the device
 * model, on QEMU's virtio-gpu and on seL4.
 */
#include "conform.h"

/* Request constructors, in the argument order of tests/virt/virt_env.h's req_*(). */
#define REQ(c, field, ...)                                                                                             \
    {                                                                                                                  \
        .code = (c), .field = { __VA_ARGS__ }                                                                          \
    }
#define CODE(c)                                                                                                        \
    {                                                                                                                  \
        .code = (c)                                                                                                    \
    }
#define DISPLAY_INFO           CODE(GPU_REQ_GET_DISPLAY_INFO)
#define CREATE_2D(id, f, w, h) REQ(GPU_REQ_RESOURCE_CREATE_2D, create_2d, (id), (f), (w), (h))
#define CREATE_BLOB(id, off, len)                                                                                      \
    REQ(GPU_REQ_RESOURCE_CREATE_BLOB, create_blob, .resource_id = (id), .mem_addr = (off), .size = (len))
#define UNREF(id) REQ(GPU_REQ_RESOURCE_UNREF, unref, (id))
#define ATTACH(id, off, len)                                                                                           \
    REQ(GPU_REQ_RESOURCE_ATTACH_BACKING, attach_backing, .resource_id = (id), .mem_addr = (off), .size = (len))
#define DETACH(id) REQ(GPU_REQ_RESOURCE_DETACH_BACKING, detach_backing, (id))
#define RECT(x, y, w, h)                                                                                               \
    {                                                                                                                  \
        (x), (y), (w), (h)                                                                                             \
    }
#define SET_SCANOUT(s, id, x, y, w, h) REQ(GPU_REQ_SET_SCANOUT, set_scanout, (s), (id), RECT(x, y, w, h))
/* SET_SCANOUT_BLOB of a whole w x h XRGB framebuffer */
#define SET_SCANOUT_BLOB(s, id, w, h, stride, off)                                                                     \
    REQ(GPU_REQ_SET_SCANOUT_BLOB, set_scanout_blob, (s), (id), RECT(0, 0, w, h), GPU_FORMAT_B8G8R8X8_UNORM, (w), (h),  \
        (stride), (off))
/* SET_SCANOUT_BLOB of blob 3 on scanout 0, any layout */
#define BLOB_SCANOUT(f, w, h, stride, off, x, y, rw, rh)                                                               \
    REQ(GPU_REQ_SET_SCANOUT_BLOB, set_scanout_blob, 0, 3, RECT(x, y, rw, rh), (f), (w), (h), (stride), (off))
#define TRANSFER(id, x, y, w, h, off)                                                                                  \
    REQ(GPU_REQ_TRANSFER_TO_2D, transfer_to_2d, .resource_id = (id), .rect = RECT(x, y, w, h), .offset = (off))
#define FLUSH(id, x, y, w, h)              REQ(GPU_REQ_RESOURCE_FLUSH, flush, (id), RECT(x, y, w, h))
#define UPDATE_CURSOR(s, id, x, y, hx, hy) REQ(GPU_REQ_UPDATE_CURSOR, update_cursor, (s), (id), (x), (y), (hx), (hy))
#define MOVE_CURSOR(s, x, y)               REQ(GPU_REQ_MOVE_CURSOR, move_cursor, (s), (x), (y))
#define ARGB                               GPU_FORMAT_B8G8R8A8_UNORM
#define PRESENT(s, id, fence)              REQ(GPU_REQ_PRESENT, present, (s), (id), (fence))
/* A fence that any completion word of the run stays below: rows that must fail for another reason use it. */
#define BIG_FENCE (1ull << 40)

#define ROW(name, needs, where, expect, req)                                                                           \
    {                                                                                                                  \
        (name), CONFORM_##needs, CONFORM_##where, 0, (expect), req                                                     \
    }

/*
 * The fixture (docs in conform.h): what exists before each row. The first
 * CONFORM_FIXTURE_2D requests make the 2D resources, the rest the blobs.
 */
const gpu_req_t conform_fixture[CONFORM_FIXTURE_ALL] = {
        CREATE_2D(1, GPU_FORMAT_B8G8R8X8_UNORM, 64, 32),
        ATTACH(1, 0, 8192),
        CREATE_2D(2, GPU_FORMAT_R8G8B8A8_UNORM, 16, 16),
        CREATE_2D(5, GPU_FORMAT_A8B8G8R8_UNORM, 8, 8),
        ATTACH(5, 4096, 100),
        CREATE_2D(7, ARGB, 64, 64),
        ATTACH(7, 8192, 16384),
        CREATE_2D(8, ARGB, 64, 64),
        CREATE_2D(10, GPU_FORMAT_B8G8R8X8_UNORM, 64, 64),
        ATTACH(10, 24576, 16384),
        CREATE_2D(11, ARGB, 16, 64),
        ATTACH(11, 40960, 4096),
        SET_SCANOUT(0, 1, 0, 0, 64, 32),
        CREATE_BLOB(3, 65536, 16384),
        CREATE_BLOB(4, 131072, 8192),
        DETACH(4),
        CREATE_BLOB(6, 196608, 16384),
        SET_SCANOUT_BLOB(0, 6, 64, 64, 256, 0),
        CREATE_BLOB(12, 262144, 8192),
};

const conform_row_t conform_rows[] = {

        /* codes */
        ROW("code 0", ANY, VIRT, GPU_STATUS_UNSUPPORTED, CODE(0)),
        ROW("code above the last", ANY, VIRT, GPU_STATUS_UNSUPPORTED, CODE(GPU_REQ_MAX + 1)),
        ROW("code max", ANY, VIRT, GPU_STATUS_UNSUPPORTED, CODE(UINT32_MAX)),
        ROW("display info", ANY, VIRT, GPU_STATUS_OK, DISPLAY_INFO),

        /* RESOURCE_CREATE_2D */
        ROW("CREATE_2D: id 0", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            CREATE_2D(0, GPU_FORMAT_B8G8R8A8_UNORM, 4, 4)),
        ROW("CREATE_2D: id above quota", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            CREATE_2D(33, GPU_FORMAT_B8G8R8A8_UNORM, 4, 4)),
        ROW("CREATE_2D: id max", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            CREATE_2D(UINT32_MAX, GPU_FORMAT_B8G8R8A8_UNORM, 4, 4)),
        ROW("CREATE_2D: id in use", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            CREATE_2D(1, GPU_FORMAT_B8G8R8A8_UNORM, 4, 4)),
        ROW("CREATE_2D: format 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, CREATE_2D(9, 0, 4, 4)),
        ROW("CREATE_2D: format 5", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, CREATE_2D(9, 5, 4, 4)),
        ROW("CREATE_2D: format max", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, CREATE_2D(9, UINT32_MAX, 4, 4)),
        ROW("CREATE_2D: width 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_2D(9, GPU_FORMAT_B8G8R8A8_UNORM, 0, 4)),
        ROW("CREATE_2D: height 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_2D(9, GPU_FORMAT_B8G8R8A8_UNORM, 4, 0)),
        ROW("CREATE_2D: width 16385", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_2D(9, GPU_FORMAT_B8G8R8A8_UNORM, 16385, 4)),
        ROW("CREATE_2D: height 16385", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_2D(9, GPU_FORMAT_B8G8R8A8_UNORM, 4, 16385)),
        ROW("CREATE_2D: width max", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_2D(9, GPU_FORMAT_B8G8R8A8_UNORM, UINT32_MAX, 4)),
        ROW("CREATE_2D: 16384 x 16384: above the memory budget", ANY, VIRT, GPU_STATUS_OUT_OF_MEMORY,
            CREATE_2D(9, GPU_FORMAT_B8G8R8A8_UNORM, 16384, 16384)),
        ROW("CREATE_2D: 16384 x 1024: the budget less the fixture's", ANY, VIRT, GPU_STATUS_OUT_OF_MEMORY,
            CREATE_2D(9, GPU_FORMAT_B8G8R8A8_UNORM, 16384, 1024)),
        ROW("CREATE_2D: 16384 x 1023: fits the budget left", ANY, DEVICE, GPU_STATUS_OK,
            CREATE_2D(9, GPU_FORMAT_B8G8R8A8_UNORM, 16384, 1023)),
        ROW("CREATE_2D: last id", ANY, DEVICE, GPU_STATUS_OK, CREATE_2D(32, GPU_FORMAT_R8G8B8X8_UNORM, 1, 1)),
        ROW("CREATE_2D: format 134", ANY, DEVICE, GPU_STATUS_OK, CREATE_2D(9, GPU_FORMAT_R8G8B8X8_UNORM, 1, 1)),
        ROW("CREATE_2D: format 121", ANY, DEVICE, GPU_STATUS_OK, CREATE_2D(9, GPU_FORMAT_A8B8G8R8_UNORM, 1, 1)),
        ROW("CREATE_2D: format 68", ANY, DEVICE, GPU_STATUS_OK, CREATE_2D(9, GPU_FORMAT_X8B8G8R8_UNORM, 1, 1)),
        ROW("CREATE_2D: format 4", ANY, DEVICE, GPU_STATUS_OK, CREATE_2D(9, GPU_FORMAT_X8R8G8B8_UNORM, 1, 1)),
        ROW("CREATE_2D: format 3", ANY, DEVICE, GPU_STATUS_OK, CREATE_2D(9, GPU_FORMAT_A8R8G8B8_UNORM, 1, 1)),

        /* RESOURCE_CREATE_BLOB */
        ROW("CREATE_BLOB: id 0", BLOB, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, CREATE_BLOB(0, 0, 4096)),
        ROW("CREATE_BLOB: id above quota", BLOB, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, CREATE_BLOB(33, 0, 4096)),
        ROW("CREATE_BLOB: id in use", BLOB, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, CREATE_BLOB(3, 0, 4096)),
        ROW("CREATE_BLOB: size 0", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, CREATE_BLOB(9, 0, 0)),
        ROW("CREATE_BLOB: offset unaligned", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, CREATE_BLOB(9, 100, 4096)),
        ROW("CREATE_BLOB: size unaligned", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, CREATE_BLOB(9, 0, 5000)),
        ROW("CREATE_BLOB: offset at end", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_BLOB(9, CONFORM_DATA_SIZE, 4096)),
        ROW("CREATE_BLOB: straddles end", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_BLOB(9, CONFORM_DATA_SIZE - 4096, 8192)),
        ROW("CREATE_BLOB: bigger than region", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_BLOB(9, 0, 2 * CONFORM_DATA_SIZE)),
        ROW("CREATE_BLOB: wrapping range", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_BLOB(9, 0xfffffffffffff000ull, 0x2000)),
        ROW("CREATE_BLOB: size max", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            CREATE_BLOB(9, 4096, 0xfffffffffffff000ull)),
        ROW("CREATE_BLOB: last page", BLOB, DEVICE, GPU_STATUS_OK, CREATE_BLOB(9, CONFORM_DATA_SIZE - 4096, 4096)),
        ROW("CREATE_BLOB: whole region", BLOB, DEVICE, GPU_STATUS_OK, CREATE_BLOB(9, 0, CONFORM_DATA_SIZE)),

        /* RESOURCE_UNREF */
        ROW("UNREF: id 0", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, UNREF(0)),
        ROW("UNREF: id above quota", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, UNREF(33)),
        ROW("UNREF: id max", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, UNREF(UINT32_MAX)),
        ROW("UNREF: unknown id", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, UNREF(20)),
        ROW("UNREF: 2D", ANY, DEVICE, GPU_STATUS_OK, UNREF(1)),
        ROW("UNREF: blob", BLOB, DEVICE, GPU_STATUS_OK, UNREF(3)),

        /* RESOURCE_ATTACH_BACKING */
        ROW("ATTACH_BACKING: id 0", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, ATTACH(0, 0, 4096)),
        ROW("ATTACH_BACKING: id above quota", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, ATTACH(33, 0, 4096)),
        ROW("ATTACH_BACKING: unknown id", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, ATTACH(20, 0, 4096)),
        ROW("ATTACH_BACKING: already backed", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, ATTACH(1, 0, 4096)),
        ROW("ATTACH_BACKING: blob already backed", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, ATTACH(3, 0, 16384)),
        ROW("ATTACH_BACKING: size 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, ATTACH(2, 0, 0)),
        ROW("ATTACH_BACKING: offset at end", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, ATTACH(2, CONFORM_DATA_SIZE, 1)),
        ROW("ATTACH_BACKING: straddles end", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            ATTACH(2, CONFORM_DATA_SIZE - 1, 2)),
        ROW("ATTACH_BACKING: wrapping range", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, ATTACH(2, UINT64_MAX, 2)),
        ROW("ATTACH_BACKING: size max", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, ATTACH(2, 1, UINT64_MAX)),
        ROW("ATTACH_BACKING: blob size differs", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, ATTACH(4, 0, 4096)),
        ROW("ATTACH_BACKING: blob not page aligned", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            ATTACH(4, 12288 + 512, 8192)),
        ROW("ATTACH_BACKING: whole region", ANY, DEVICE, GPU_STATUS_OK, ATTACH(2, 0, CONFORM_DATA_SIZE)),
        ROW("ATTACH_BACKING: last byte", ANY, DEVICE, GPU_STATUS_OK, ATTACH(2, CONFORM_DATA_SIZE - 1, 1)),
        ROW("ATTACH_BACKING: blob re-attach", BLOB, DEVICE, GPU_STATUS_OK, ATTACH(4, 12288, 8192)),

        /* RESOURCE_DETACH_BACKING */
        ROW("DETACH_BACKING: id 0", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, DETACH(0)),
        ROW("DETACH_BACKING: id above quota", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, DETACH(33)),
        ROW("DETACH_BACKING: unknown id", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, DETACH(20)),
        ROW("DETACH_BACKING: 2D without backing", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, DETACH(2)),
        ROW("DETACH_BACKING: blob without backing", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, DETACH(4)),
        ROW("DETACH_BACKING: 2D", ANY, DEVICE, GPU_STATUS_OK, DETACH(1)),
        ROW("DETACH_BACKING: blob", BLOB, DEVICE, GPU_STATUS_OK, DETACH(3)),
        ROW("DETACH_BACKING: blob a scanout shows", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, DETACH(6)),

        /* SET_SCANOUT */
        ROW("SET_SCANOUT: scanout the device lacks", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            SET_SCANOUT(1, 1, 0, 0, 64, 32)),
        ROW("SET_SCANOUT: scanout not configured", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            SET_SCANOUT(2, 1, 0, 0, 64, 32)),
        ROW("SET_SCANOUT: scanout max", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            SET_SCANOUT(UINT32_MAX, 1, 0, 0, 64, 32)),
        ROW("SET_SCANOUT: bad scanout, resource 0", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            SET_SCANOUT(2, 0, 0, 0, 0, 0)),
        ROW("SET_SCANOUT: unknown id", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, SET_SCANOUT(0, 20, 0, 0, 1, 1)),
        ROW("SET_SCANOUT: id above quota", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, SET_SCANOUT(0, 33, 0, 0, 1, 1)),
        ROW("SET_SCANOUT: blob", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, SET_SCANOUT(0, 3, 0, 0, 1, 1)),
        ROW("SET_SCANOUT: 2D without backing", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT(0, 2, 0, 0, 16, 16)),
        ROW("SET_SCANOUT: width 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, SET_SCANOUT(0, 1, 0, 0, 0, 32)),
        ROW("SET_SCANOUT: height 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, SET_SCANOUT(0, 1, 0, 0, 64, 0)),
        ROW("SET_SCANOUT: 8x8: sides under 16", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, SET_SCANOUT(0, 1, 0, 0, 8, 8)),
        ROW("SET_SCANOUT: 1x32: width under 16", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT(0, 1, 0, 0, 1, 32)),
        ROW("SET_SCANOUT: 64x15: height under 16", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT(0, 1, 0, 0, 64, 15)),
        ROW("SET_SCANOUT: too wide", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, SET_SCANOUT(0, 1, 0, 0, 65, 32)),
        ROW("SET_SCANOUT: too tall", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, SET_SCANOUT(0, 1, 0, 0, 64, 33)),
        ROW("SET_SCANOUT: shifted out", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, SET_SCANOUT(0, 1, 1, 0, 64, 32)),
        ROW("SET_SCANOUT: x wraps", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, SET_SCANOUT(0, 1, UINT32_MAX, 0, 16, 16)),
        ROW("SET_SCANOUT: y wraps", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, SET_SCANOUT(0, 1, 0, UINT32_MAX, 16, 16)),
        ROW("SET_SCANOUT: disable, rect ignored", ANY, DEVICE, GPU_STATUS_OK,
            SET_SCANOUT(0, 0, UINT32_MAX, UINT32_MAX, 0, 0)),
        ROW("SET_SCANOUT: whole", ANY, DEVICE, GPU_STATUS_OK, SET_SCANOUT(0, 1, 0, 0, 64, 32)),
        ROW("SET_SCANOUT: part, 16x16 in the corner", ANY, DEVICE, GPU_STATUS_OK, SET_SCANOUT(0, 1, 48, 16, 16, 16)),

        /* SET_SCANOUT_BLOB */
        ROW("SET_SCANOUT_BLOB: scanout the device lacks", BLOB, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            SET_SCANOUT_BLOB(1, 3, 64, 64, 256, 0)),
        ROW("SET_SCANOUT_BLOB: scanout not configured", BLOB, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            SET_SCANOUT_BLOB(7, 3, 64, 64, 256, 0)),
        ROW("SET_SCANOUT_BLOB: unknown id", BLOB, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            SET_SCANOUT_BLOB(0, 20, 64, 64, 256, 0)),
        ROW("SET_SCANOUT_BLOB: id above quota", BLOB, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            SET_SCANOUT_BLOB(0, 40, 64, 64, 256, 0)),
        ROW("SET_SCANOUT_BLOB: 2D resource", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT_BLOB(0, 1, 64, 64, 256, 0)),
        ROW("SET_SCANOUT_BLOB: blob without backing", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT_BLOB(0, 4, 32, 32, 128, 0)),
        ROW("SET_SCANOUT_BLOB: format 0", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(0, 64, 64, 256, 0, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: width 0", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 0, 64, 256, 0, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: height 0", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 0, 256, 0, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: stride short", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 255, 0, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: width*4 wraps 32 bits", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 0x40000000u, 1, 0, 0, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: rect empty", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, 0, 0, 0, 0, 64)),
        ROW("SET_SCANOUT_BLOB: layout past blob", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, 4, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: stride past blob", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 260, 0, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: stride*height wraps", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 1, UINT32_MAX, UINT32_MAX, UINT32_MAX, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: rect one column right", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, 0, 1, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: rect one row down", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, 0, 0, 1, 64, 64)),
        ROW("SET_SCANOUT_BLOB: rect 8x8: sides under 16", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, 0, 0, 0, 8, 8)),
        ROW("SET_SCANOUT_BLOB: rect 1x48: width under 16", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, 0, 0, 0, 1, 48)),
        ROW("SET_SCANOUT_BLOB: rect x wraps", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, 0, UINT32_MAX, 0, 16, 16)),
        ROW("SET_SCANOUT_BLOB: disable", BLOB, DEVICE, GPU_STATUS_OK, SET_SCANOUT_BLOB(0, 0, 0, 0, 0, 0)),
        ROW("SET_SCANOUT_BLOB: exact fit", BLOB, DEVICE, GPU_STATUS_OK,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, 0, 0, 0, 64, 64)),
        ROW("SET_SCANOUT_BLOB: frame ends at last byte", BLOB, DEVICE, GPU_STATUS_OK,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 32, 32, 256, 8192, 0, 0, 16, 16)),
        ROW("SET_SCANOUT_BLOB: frame one byte over", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 32, 32, 256, 8193, 0, 0, 16, 16)),
        ROW("SET_SCANOUT_BLOB: last row short of a stride", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 32, 16, 1024, 4, 0, 0, 32, 16)),
        ROW("SET_SCANOUT_BLOB: shown span ends at last byte", BLOB, DEVICE, GPU_STATUS_OK,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 63, 32, 256, 8188, 1, 0, 62, 32)),
        ROW("SET_SCANOUT_BLOB: shown span one byte over", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 63, 32, 256, 8189, 1, 0, 62, 32)),
        ROW("SET_SCANOUT_BLOB: shown span ends at the rect's last row", BLOB, DEVICE, GPU_STATUS_OK,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 63, 32, 256, 8189, 1, 0, 62, 31)),
        ROW("SET_SCANOUT_BLOB: spans at their largest", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 0x3fffffffu, UINT32_MAX, UINT32_MAX, UINT32_MAX, 0x3fffffefu,
                         UINT32_MAX - 16, 16, 16)),

        /* TRANSFER_TO_2D */
        ROW("TRANSFER_TO_2D: id 0", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, TRANSFER(0, 0, 0, 1, 1, 0)),
        ROW("TRANSFER_TO_2D: unknown id", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, TRANSFER(20, 0, 0, 1, 1, 0)),
        ROW("TRANSFER_TO_2D: id above quota", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, TRANSFER(33, 0, 0, 1, 1, 0)),
        ROW("TRANSFER_TO_2D: blob", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, TRANSFER(3, 0, 0, 1, 1, 0)),
        ROW("TRANSFER_TO_2D: no backing", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, TRANSFER(2, 0, 0, 1, 1, 0)),
        ROW("TRANSFER_TO_2D: width 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, TRANSFER(1, 0, 0, 0, 1, 0)),
        ROW("TRANSFER_TO_2D: height 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, TRANSFER(1, 0, 0, 1, 0, 0)),
        ROW("TRANSFER_TO_2D: outside", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, TRANSFER(1, 0, 0, 65, 1, 0)),
        ROW("TRANSFER_TO_2D: x wraps", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, TRANSFER(1, UINT32_MAX, 0, 2, 1, 0)),
        ROW("TRANSFER_TO_2D: y wraps", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, TRANSFER(1, 0, UINT32_MAX, 1, 2, 0)),
        ROW("TRANSFER_TO_2D: offset past backing", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, TRANSFER(1, 0, 0, 64, 32, 4)),
        ROW("TRANSFER_TO_2D: offset max", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, TRANSFER(1, 0, 0, 1, 1, UINT64_MAX)),
        ROW("TRANSFER_TO_2D: small backing", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, TRANSFER(5, 0, 0, 8, 8, 0)),
        ROW("TRANSFER_TO_2D: small backing, last pixel", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            TRANSFER(5, 0, 0, 1, 1, 97)),
        ROW("TRANSFER_TO_2D: whole", ANY, DEVICE, GPU_STATUS_OK, TRANSFER(1, 0, 0, 64, 32, 0)),
        ROW("TRANSFER_TO_2D: rows below the first", ANY, DEVICE, GPU_STATUS_OK, TRANSFER(1, 0, 1, 64, 31, 256)),
        ROW("TRANSFER_TO_2D: small backing, fits", ANY, DEVICE, GPU_STATUS_OK, TRANSFER(5, 0, 0, 8, 3, 4)),
        ROW("TRANSFER_TO_2D: small backing, ends at last byte", ANY, DEVICE, GPU_STATUS_OK,
            TRANSFER(5, 0, 0, 1, 1, 96)),

        /* RESOURCE_FLUSH */
        ROW("RESOURCE_FLUSH: id 0", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, FLUSH(0, 0, 0, 1, 1)),
        ROW("RESOURCE_FLUSH: unknown id", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, FLUSH(20, 0, 0, 1, 1)),
        ROW("RESOURCE_FLUSH: id max", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, FLUSH(UINT32_MAX, 0, 0, 1, 1)),
        ROW("RESOURCE_FLUSH: width 0", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, FLUSH(1, 0, 0, 0, 1)),
        ROW("RESOURCE_FLUSH: blob height 0", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, FLUSH(3, 0, 0, 1, 0)),
        ROW("RESOURCE_FLUSH: 2D outside", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, FLUSH(1, 0, 0, 64, 33)),
        ROW("RESOURCE_FLUSH: 2D x wraps", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, FLUSH(1, UINT32_MAX, 0, 2, 1)),
        ROW("RESOURCE_FLUSH: blob x wraps", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS, FLUSH(3, UINT32_MAX, 0, 1, 1)),
        ROW("RESOURCE_FLUSH: blob y wraps", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS, FLUSH(3, 0, 2, 1, UINT32_MAX - 1)),
        ROW("RESOURCE_FLUSH: 2D whole", ANY, DEVICE, GPU_STATUS_OK, FLUSH(1, 0, 0, 64, 32)),
        ROW("RESOURCE_FLUSH: 2D without backing", ANY, DEVICE, GPU_STATUS_OK, FLUSH(2, 0, 0, 16, 16)),
        ROW("RESOURCE_FLUSH: blob no scanout shows", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, FLUSH(3, 0, 0, 16, 16)),
        ROW("RESOURCE_FLUSH: blob, rect right of its scanout", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            FLUSH(6, 64, 0, 16, 16)),
        ROW("RESOURCE_FLUSH: blob, rect below its scanout", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            FLUSH(6, 0, 64, 16, 16)),
        ROW("RESOURCE_FLUSH: blob, rect at its scanout's last pixel", BLOB, DEVICE, GPU_STATUS_OK,
            FLUSH(6, 63, 63, 1, 1)),
        ROW("RESOURCE_FLUSH: blob any size", BLOB, DEVICE, GPU_STATUS_OK, FLUSH(6, 0, 0, 100000, 100000)),
        ROW("RESOURCE_FLUSH: blob up to 2^32", BLOB, DEVICE, GPU_STATUS_OK, FLUSH(6, 1, 0, UINT32_MAX - 1, 1)),

        /* UPDATE_CURSOR */
        ROW("UPDATE_CURSOR: scanout the device lacks", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            UPDATE_CURSOR(1, 7, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: scanout not configured (as another client's looks)", ANY, VIRT,
            GPU_STATUS_INVALID_SCANOUT_ID, UPDATE_CURSOR(2, 7, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: hide, scanout not configured", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            UPDATE_CURSOR(2, 0, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: scanout max", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            UPDATE_CURSOR(UINT32_MAX, 7, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: unknown id", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, UPDATE_CURSOR(0, 20, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: id above quota", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            UPDATE_CURSOR(0, 33, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: id max", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            UPDATE_CURSOR(0, UINT32_MAX, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: blob", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, UPDATE_CURSOR(0, 3, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: 64x64 without backing", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            UPDATE_CURSOR(0, 8, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: 64x64 B8G8R8X8", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, UPDATE_CURSOR(0, 10, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: 16x64", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, UPDATE_CURSOR(0, 11, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: 64x32 B8G8R8X8", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, UPDATE_CURSOR(0, 1, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: hot_x 64", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER, UPDATE_CURSOR(0, 7, 10, 10, 64, 0)),
        ROW("UPDATE_CURSOR: hot_y max", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            UPDATE_CURSOR(0, 7, 10, 10, 0, UINT32_MAX)),
        ROW("UPDATE_CURSOR: x 16385", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, UPDATE_CURSOR(0, 7, 16385, 0, 0, 0)),
        ROW("UPDATE_CURSOR: y max", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, UPDATE_CURSOR(0, 7, 0, UINT32_MAX, 0, 0)),
        ROW("UPDATE_CURSOR: show", ANY, DEVICE, GPU_STATUS_OK, UPDATE_CURSOR(0, 7, 100, 100, 1, 2)),
        ROW("UPDATE_CURSOR: at 0, 0", ANY, DEVICE, GPU_STATUS_OK, UPDATE_CURSOR(0, 7, 0, 0, 0, 0)),
        ROW("UPDATE_CURSOR: hot spot 63, at 16384", ANY, DEVICE, GPU_STATUS_OK,
            UPDATE_CURSOR(0, 7, 16384, 16384, 63, 63)),
        ROW("UPDATE_CURSOR: hide, other fields ignored", ANY, DEVICE, GPU_STATUS_OK,
            UPDATE_CURSOR(0, 0, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX)),

        /* MOVE_CURSOR */
        ROW("MOVE_CURSOR: scanout the device lacks", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID, MOVE_CURSOR(1, 0, 0)),
        ROW("MOVE_CURSOR: scanout not configured (as another client's looks)", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            MOVE_CURSOR(2, 0, 0)),
        ROW("MOVE_CURSOR: scanout max", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID, MOVE_CURSOR(UINT32_MAX, 0, 0)),
        ROW("MOVE_CURSOR: x 16385", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, MOVE_CURSOR(0, 16385, 0)),
        ROW("MOVE_CURSOR: y max", ANY, VIRT, GPU_STATUS_OUT_OF_BOUNDS, MOVE_CURSOR(0, 0, UINT32_MAX)),
        ROW("MOVE_CURSOR: no cursor shown", ANY, DEVICE, GPU_STATUS_OK, MOVE_CURSOR(0, 5, 5)),
        ROW("MOVE_CURSOR: at 16384, 16384", ANY, DEVICE, GPU_STATUS_OK, MOVE_CURSOR(0, 16384, 16384)),
        /* PRESENT (fences of the OK rows grow in row order: the runner checks the completion word) */
        ROW("PRESENT: scanout the device lacks", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID, PRESENT(1, 1, BIG_FENCE)),
        ROW("PRESENT: scanout not configured", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID, PRESENT(2, 1, BIG_FENCE)),
        ROW("PRESENT: scanout max", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID, PRESENT(UINT32_MAX, 1, BIG_FENCE)),
        ROW("PRESENT: id 0", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, PRESENT(0, 0, BIG_FENCE)),
        ROW("PRESENT: unknown id", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, PRESENT(0, 20, BIG_FENCE)),
        ROW("PRESENT: id above quota", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, PRESENT(0, 33, BIG_FENCE)),
        ROW("PRESENT: fence 0 (not above the completion word)", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            PRESENT(0, 1, 0)),
        ROW("PRESENT 2D: without backing", NO_BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, PRESENT(0, 2, BIG_FENCE)),
        ROW("PRESENT 2D: smaller than the shown rectangle", NO_BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            PRESENT(0, 5, BIG_FENCE)),
        ROW("PRESENT 2D: the shown resource again", NO_BLOB, DEVICE, GPU_STATUS_OK, PRESENT(0, 1, 1)),
        ROW("PRESENT: 2D where a blob is shown", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, PRESENT(0, 1, BIG_FENCE)),
        ROW("PRESENT blob: without memory", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, PRESENT(0, 4, BIG_FENCE)),
        ROW("PRESENT blob: smaller than the shown layout", BLOB, VIRT, GPU_STATUS_OUT_OF_BOUNDS,
            PRESENT(0, 12, BIG_FENCE)),
        ROW("PRESENT blob: another blob, same layout", BLOB, DEVICE, GPU_STATUS_OK, PRESENT(0, 3, 2)),
        ROW("PRESENT blob: the shown blob again, a higher fence", BLOB, DEVICE, GPU_STATUS_OK, PRESENT(0, 6, 3)),

        /* a device without blob */
        ROW("no blob: create blob", NO_BLOB, VIRT, GPU_STATUS_UNSUPPORTED, CREATE_BLOB(9, 0, 4096)),
        ROW("no blob: create blob, bad id", NO_BLOB, VIRT, GPU_STATUS_UNSUPPORTED, CREATE_BLOB(0, 0, 0)),
        ROW("no blob: set scanout blob", NO_BLOB, VIRT, GPU_STATUS_UNSUPPORTED, SET_SCANOUT_BLOB(0, 1, 64, 32, 256, 0)),
        ROW("no blob: set scanout blob, bad scanout", NO_BLOB, VIRT, GPU_STATUS_UNSUPPORTED,
            SET_SCANOUT_BLOB(9, 0, 0, 0, 0, 0)),
        ROW("no blob: 2D still works", NO_BLOB, DEVICE, GPU_STATUS_OK, FLUSH(1, 0, 0, 1, 1)),

        /* check order (several checks fail: the first decides) */
        ROW("order: create 2D: id before format", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, CREATE_2D(0, 0, 0, 0)),
        ROW("order: create blob: id before range", BLOB, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, CREATE_BLOB(1, 100, 0)),
        ROW("order: attach: id before range", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, ATTACH(20, UINT64_MAX, 0)),
        ROW("order: set scanout: scanout before id", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            SET_SCANOUT(2, 20, 0, 0, 0, 0)),
        ROW("order: set scanout: id before kind", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            SET_SCANOUT(0, 20, 0, 0, 0, 0)),
        ROW("order: set scanout: blob before rect", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT(0, 3, 0, 0, 0, 0)),
        ROW("order: set scanout: empty before bounds", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT(0, 1, UINT32_MAX, 0, 0, 1)),
        ROW("order: set scanout: small before bounds", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT(0, 1, UINT32_MAX, 0, 15, 16)),
        ROW("order: set scanout: backing before rect", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT(0, 2, 0, 0, 0, 0)),
        ROW("order: scanout blob: scanout before id", BLOB, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            SET_SCANOUT_BLOB(7, 20, 0, 0, 0, 0)),
        ROW("order: scanout blob: id before layout", BLOB, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            SET_SCANOUT_BLOB(0, 20, 0, 0, 0, 0)),
        ROW("order: scanout blob: kind before layout", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            SET_SCANOUT_BLOB(0, 1, 0, 0, 0, 0)),
        ROW("order: scanout blob: empty rect before layout", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 256, UINT32_MAX, 0, 0, 0, 0)),
        ROW("order: scanout blob: stride before layout", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(GPU_FORMAT_B8G8R8X8_UNORM, 64, 64, 4, UINT32_MAX, UINT32_MAX, 0, 2, 1)),
        ROW("order: scanout blob: format before layout", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER,
            BLOB_SCANOUT(0, 64, 64, 256, UINT32_MAX, UINT32_MAX, 0, 2, 1)),
        ROW("order: transfer: id before kind", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            TRANSFER(20, 0, 0, 0, 0, UINT64_MAX)),
        ROW("order: transfer: backing before rect", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            TRANSFER(2, UINT32_MAX, 0, 2, 1, UINT64_MAX)),
        ROW("order: transfer: empty before bounds", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            TRANSFER(1, UINT32_MAX, 0, 0, 1, UINT64_MAX)),
        ROW("order: flush: id before rect", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, FLUSH(20, 0, 0, 0, 0)),
        ROW("order: flush: empty before bounds", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            FLUSH(1, UINT32_MAX, 0, 0, 1)),
        ROW("order: update cursor: scanout before id", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            UPDATE_CURSOR(2, 20, UINT32_MAX, 0, 64, 0)),
        ROW("order: update cursor: id before kind", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID,
            UPDATE_CURSOR(0, 20, UINT32_MAX, 0, 64, 0)),
        ROW("order: update cursor: kind before position", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            UPDATE_CURSOR(0, 1, UINT32_MAX, 0, 0, 0)),
        ROW("order: update cursor: hot spot before position", ANY, VIRT, GPU_STATUS_INVALID_PARAMETER,
            UPDATE_CURSOR(0, 7, UINT32_MAX, UINT32_MAX, 64, 0)),
        ROW("order: move cursor: scanout before position", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID,
            MOVE_CURSOR(2, UINT32_MAX, UINT32_MAX)),
        ROW("order: present: scanout before id", ANY, VIRT, GPU_STATUS_INVALID_SCANOUT_ID, PRESENT(2, 20, 0)),
        ROW("order: present: id before fence", ANY, VIRT, GPU_STATUS_INVALID_RESOURCE_ID, PRESENT(0, 20, 0)),
        ROW("order: present: fence before kind", BLOB, VIRT, GPU_STATUS_INVALID_PARAMETER, PRESENT(0, 1, 0)),
};

const uint32_t conform_num_rows = sizeof(conform_rows) / sizeof(conform_rows[0]);

const conform_row_t conform_before_ready = ROW("before GET_DISPLAY_INFO: a valid create", ANY, VIRT,
                                               GPU_STATUS_NOT_READY, CREATE_2D(1, GPU_FORMAT_B8G8R8X8_UNORM, 4, 4));
