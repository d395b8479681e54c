/*
 * Device-model tests: every group drives the model only through its
 * register interface and hand-built virtqueues (harness.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

int main(void)
{
    int failed = 0;
    failed += devmodel_mmio_tests();
    failed += devmodel_command_tests();
    failed += devmodel_scanout_tests();
    failed += devmodel_chain_tests();
    failed += devmodel_fault_tests();
    failed += devmodel_cursor_tests();
    return failed ? 1 : 0;
}
