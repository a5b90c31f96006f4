/*
 * float.c: printing an f32 (Mote 0.2) from its exact decimal expansion, with integer
 * arithmetic only, so printing links no soft-float helpers. Only programs that print an
 * f32 link this file.
 *
 *   {:.N}  N decimals, rounded half to even on the exact value, as Rust rounds;
 *   {}     at most 6 significant digits (all of the integer part when it has more),
 *          trailing zeros dropped: 3.3 prints "3.3", 1.0/3.0 "0.333333", 2.0 "2";
 *   {:?}   as {}, with ".0" after a whole number.
 * NaN, inf and -inf print as Rust prints them. The compiler's interned-log decoder
 * (mote.decode.FloatText) formats the same way: keep the two in step.
 */
#include "mote_rt.h"

MOTE_CONSOLE_CODE_BEGIN

#define SPEC_WIDTH(s) ((s) & 0xffu)
#define SPEC_ZERO     (1u << 18)
#define SPEC_PLUS     (1u << 20)
#define SPEC_DEBUG    (1u << 26)

enum {
    SIGNIFICANT = 6,
    MAX_PRECISION = 40,  /* the checker's limit (TypeChecker.MAX_FLOAT_PRECISION) */
    LIMBS = 18,          /* 288 bits, 16 to a limb: 128 integer bits, 160 fraction bits */
    FRACTION_LIMBS = 10,
};

/* |x| as a fixed-point number, limb[0] least significant; the binary point sits after
 * limb[FRACTION_LIMBS - 1]. Every f32 fits exactly: 2^-149 is bit 11, 2^127 bit 287. */
typedef struct {
    uint16_t limb[LIMBS];
} exact_t;

static bool integer_part_is_zero(const exact_t *x)
{
    for (uint32_t k = FRACTION_LIMBS; k < LIMBS; k++)
        if (x->limb[k] != 0)
            return false;
    return true;
}

static bool fraction_is_zero(const exact_t *x)
{
    for (uint32_t k = 0; k < FRACTION_LIMBS; k++)
        if (x->limb[k] != 0)
            return false;
    return true;
}

/* Divides the integer part by 10 and returns the remainder: its next digit, lowest first. */
static uint32_t integer_next_digit(exact_t *x)
{
    uint32_t rest = 0;
    for (uint32_t k = LIMBS; k-- > FRACTION_LIMBS;) {
        uint32_t current = rest << 16 | x->limb[k];
        x->limb[k] = (uint16_t)(current / 10u);
        rest = current % 10u;
    }
    return rest;
}

/* Multiplies the fraction by 10 and returns what moves past the point: its next digit. */
static uint32_t fraction_next_digit(exact_t *x)
{
    uint32_t carry = 0;
    for (uint32_t k = 0; k < FRACTION_LIMBS; k++) {
        uint32_t current = x->limb[k] * 10u + carry;
        x->limb[k] = (uint16_t)current;
        carry = current >> 16;
    }
    return carry;
}

/* Adds one unit in the last place of the digits in text[from, end); returns 1 when it
 * carried out of the first digit (the caller puts a '1' before them). */
static uint32_t round_up(uint8_t *text, uint32_t from, uint32_t end)
{
    for (uint32_t i = end; i-- > from;) {
        if (text[i] == '.')
            continue;
        if (text[i] != '9') {
            text[i]++;
            return 0;
        }
        text[i] = '0';
    }
    return 1;
}

/* Writes |x| (finite, not zero) into out, digits only; returns the length. precision < 0
 * asks for at most SIGNIFICANT significant digits with trailing zeros dropped. */
static uint32_t decimal(uint32_t bits, int32_t precision, uint8_t *out)
{
    uint32_t exponent = (bits >> 23) & 0xffu, mantissa = bits & 0x7fffffu;
    if (exponent != 0)
        mantissa |= 1u << 23;
    else
        exponent = 1; /* subnormal */
    /* x = mantissa * 2^(exponent - 150); bit i of the mantissa lands on fixed-point bit
     * i + exponent - 150 + 160. */
    exact_t x = {{0}};
    for (uint32_t i = 0; i < 24; i++) {
        if (mantissa >> i & 1u) {
            uint32_t at = i + exponent + 10u;
            x.limb[at / 16u] |= (uint16_t)(1u << (at % 16u));
        }
    }

    /* Integer digits come lowest first: write them at the end of a scratch area, then
     * move them to the front of out (leaving out[0] for a carry). */
    uint8_t integer[40];
    uint32_t n = sizeof integer;
    do {
        integer[--n] = (uint8_t)('0' + integer_next_digit(&x));
    } while (!integer_part_is_zero(&x));
    uint32_t integer_digits = sizeof integer - n;
    bool integer_zero = integer_digits == 1 && integer[n] == '0';
    uint32_t len = 1;
    for (uint32_t i = n; i < sizeof integer; i++)
        out[len++] = integer[i];

    uint32_t decimals = (uint32_t)precision;
    bool trim = precision < 0;
    if (trim && !integer_zero)
        decimals = integer_digits >= SIGNIFICANT ? 0 : SIGNIFICANT - integer_digits;
    if (decimals > 0 || (trim && integer_zero))
        out[len++] = '.';
    uint32_t written = 0;
    if (trim && integer_zero) {
        /* Leading zeros do not count: 0.000123456 keeps six digits after them. */
        uint32_t digit;
        while ((digit = fraction_next_digit(&x)) == 0) {
            out[len++] = '0';
            written++;
        }
        out[len++] = (uint8_t)('0' + digit);
        decimals = ++written + SIGNIFICANT - 1;
    }
    for (; written < decimals; written++)
        out[len++] = (uint8_t)('0' + fraction_next_digit(&x));

    /* Half to even on the exact value: the next digit, and whether anything follows it. */
    uint32_t next = fraction_next_digit(&x);
    bool odd = (out[len - 1] == '.' ? out[len - 2] : out[len - 1]) & 1u;
    bool carried = false;
    if (next > 5u || (next == 5u && (!fraction_is_zero(&x) || odd)))
        carried = round_up(out, 1, len);
    if (carried) {
        out[0] = '1';
    } else {
        for (uint32_t i = 1; i < len; i++)
            out[i - 1] = out[i];
        len--;
    }
    if (trim && decimals > 0) {
        while (out[len - 1] == '0')
            len--;
        if (out[len - 1] == '.')
            len--;
    }
    return len;
}

void mote_print_f32(uint32_t bits, uint32_t spec, int32_t precision)
{
    /* sign, carry, 39 integer digits, '.', up to 45 zeros and 6 digits (or 40 decimals), ".0" */
    uint8_t text[1 + 1 + 39 + 1 + 51 + 2];
    bool negative = bits >> 31;
    uint32_t magnitude = bits & 0x7fffffffu, len, digits;
    uint8_t *body = text + 1;
    if (magnitude > 0x7f800000u) {
        negative = false; /* Rust prints NaN without a sign */
        body[0] = 'N', body[1] = 'a', body[2] = 'N';
        digits = 3;
    } else if (magnitude == 0x7f800000u) {
        body[0] = 'i', body[1] = 'n', body[2] = 'f';
        digits = 3;
    } else if (magnitude == 0) {
        body[0] = '0';
        digits = 1;
        if (precision > 0) {
            body[digits++] = '.';
            for (int32_t i = 0; i < precision; i++)
                body[digits++] = '0';
        }
    } else {
        digits = decimal(magnitude, precision > MAX_PRECISION ? MAX_PRECISION : precision, body);
    }
    if ((spec & SPEC_DEBUG) && precision < 0 && magnitude < 0x7f800000u) {
        bool whole = true;
        for (uint32_t i = 0; i < digits; i++)
            if (body[i] == '.')
                whole = false;
        if (whole) {
            body[digits++] = '.';
            body[digits++] = '0';
        }
    }
    uint8_t *start = body;
    if (negative || (spec & SPEC_PLUS))
        *--start = negative ? '-' : '+';
    len = digits + (uint32_t)(body - start);
    uint8_t *text_start = start;

    uint32_t width = SPEC_WIDTH(spec);
    if (width <= len) {
        mote_print_str(text_start, len);
    } else if (spec & SPEC_ZERO) {
        /* Zeros go between the sign and the digits, as in Rust. */
        uint32_t sign = (uint32_t)(body - text_start);
        mote_print_str(text_start, sign);
        for (uint32_t i = len; i < width; i++)
            mote_console_putc('0');
        mote_print_str(body, digits);
    } else {
        mote_print_fmt_str(text_start, len, spec);
    }
}

MOTE_CONSOLE_CODE_END
