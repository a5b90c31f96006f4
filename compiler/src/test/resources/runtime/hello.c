/*
 * Exercises the runtime ABI the way compiled code will: printing, 64-bit
 * arithmetic helpers, the memory functions, .data/.bss set-up, and an executor
 * that polls the main task again after mote_wake_current(). Exits with 42.
 * The expected output is in FirmwareRunTest.
 */
#include "program_common.h"

static uint32_t polls;                 /* .bss: must start at zero */
static uint32_t initialised = 0x1234;  /* .data: copied from flash */

/* volatile operands: the divisions must happen on the target, not in clang. */
static volatile uint64_t u64_max = UINT64_MAX;
static volatile uint64_t ten = 10;
static volatile int64_t minus_100g = -100000000000LL;
static volatile int64_t three = 3;
static volatile int64_t seven = 7, minus_two = -2;
static volatile uint32_t big32 = 1000000007u, thirteen = 13;
static volatile int32_t minus_big32 = -1000000007;

static void print_i64_line(const char *label, int64_t v)
{
    say(label);
    mote_print_i64(v);
    say("\n");
}

static void print_u64_line(const char *label, uint64_t v)
{
    say(label);
    mote_print_u64(v);
    say("\n");
}

static void arithmetic(void)
{
    print_i64_line("i64 min: ", INT64_MIN);
    print_i64_line("i64 neg: ", -42);
    print_i64_line("i64 zero: ", 0);
    print_u64_line("u64 max: ", UINT64_MAX);
    say("hex: ");
    mote_print_hex(0xdeadbeefcafeULL);
    say(" ");
    mote_print_hex(0);
    say(" ");
    mote_print_hex(UINT64_MAX);
    say("\nbool: ");
    mote_print_bool(true);
    say(" ");
    mote_print_bool(false);
    say("\n");

    uint64_t m = u64_max, t = ten;
    print_u64_line("u64max / 10 = ", m / t);
    print_u64_line("u64max % 10 = ", m % t);
    int64_t a = minus_100g, b = three;
    print_i64_line("-100000000000 / 3 = ", a / b);
    print_i64_line("-100000000000 % 3 = ", a % b);
    print_i64_line("7 / -2 = ", seven / minus_two);
    print_i64_line("7 % -2 = ", seven % minus_two);
    uint32_t x = big32, y = thirteen;
    print_u64_line("1000000007 / 13 = ", x / y);
    print_u64_line("1000000007 % 13 = ", x % y);
    int32_t sx = minus_big32, sy = (int32_t)thirteen;
    print_i64_line("-1000000007 / 13 = ", sx / sy);
    print_i64_line("-1000000007 % 13 = ", sx % sy);
    uint64_t p = u64_max / 3 + 0, q = (uint64_t)thirteen;
    print_u64_line("u64 mul: ", p * q);
}

static void memory(void)
{
    uint8_t buf[40];
    memset(buf, 'x', sizeof buf);
    memcpy(buf, "abcdefghij", 10);
    memmove(buf + 2, buf, 8);            /* overlapping, forwards */
    memmove(buf + 20, buf + 2, 8);
    memmove(buf + 19, buf + 20, 8);      /* overlapping, backwards-safe direction */
    say("mem: ");
    mote_print_str(buf, 30);
    say(" ");
    mote_print_i64(memcmp("abc", "abd", 3));
    say(" ");
    mote_print_i64(memcmp("abc", "abc", 3));
    say("\n");
}

void mote_program_init(void)
{
    say("hello from mote\n");
}

bool mote_program_poll_main(int32_t *exit_code)
{
    polls++;
    print_u64_line("poll ", polls);
    if (polls < 3) {
        mote_wake_current();
        return false;
    }
    say("data: ");
    mote_print_hex(initialised);
    say("\n");
    arithmetic();
    memory();
    *exit_code = 42;
    return true;
}
