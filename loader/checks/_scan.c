/*
 * The value check at the door, at C speed: every field of every record of a trip CSV against
 * its column's declared type, with the rules of loader/checks/reference.py (the same rules in
 * Python: the fallback when this module is not built, and the oracle the tests compare with).
 *
 * scan(data, spec, final) -> (consumed, rows, error)
 *
 *   data   bytes-like, starting at the start of a record (the header is checked in Python).
 *   spec   6 bytes per column: kind ('i' integer, 'd' decimal, 't' timestamp, 's' text),
 *          nullable (0/1), p1 and p2 as little-endian 16-bit numbers: for 'd' the precision
 *          and the scale, for 's' the maximum length in characters (p1) and 0.
 *   final  true when `data` ends the file: a last record without a newline is checked too.
 *
 * Only complete records are checked; `consumed` is the offset just past the last one (the
 * caller keeps the rest for the next call). A problem in a record is reported only once the
 * record is known to be complete, so a value cut at a chunk boundary is never an error.
 * `rows` counts the complete records checked before the first bad one. `error` is None or
 * (row, column, start, end, code, detail): the 0-based record index within this call, the
 * 0-based column (-1 for a problem of the whole record), the byte range of the value (of the
 * record when column is -1), an error code (see the enum) and a detail (fields found).
 *
 * The GIL is released while scanning: `data` is an immutable buffer held for the call.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* The same numbers as loader/checks/codes.py. */
enum {
    E_OK = 0,
    E_FIELDS = 1,        /* wrong number of fields (detail = fields found) */
    E_BLANK = 2,         /* an empty line */
    E_QUOTE = 3,         /* a quote inside an unquoted field, or text after a closing quote */
    E_UNCLOSED = 4,      /* a quoted field that never closes before the end of the file */
    E_CONTROL = 5,       /* a control character (a lone CR, a tab...) outside quotes */
    E_EMPTY_QUOTED = 6,  /* "" : engines disagree on whether it is NULL or empty */
    E_NULL = 7,          /* empty, in a column declared not null */
    E_NOT_INT = 10,
    E_INT_RANGE = 11,
    E_NOT_DEC = 12,
    E_DEC_SCALE = 13,
    E_DEC_PRECISION = 14,
    E_NOT_TS = 15,
    E_TS_RANGE = 16,
    E_UTF8 = 17,
    E_TEXT_LONG = 18,
};

typedef struct {
    char kind;
    int nullable;
    int p1;
    int p2;
} column_spec;

#define MAX_COLUMNS 256

/* Bytes that end or interrupt an unquoted field. */
static unsigned char special[256];

static void init_tables(void) {
    for (int b = 0; b < 256; b++) {
        special[b] = (b < 0x20 || b == ',' || b == '"' || b == 0x7f) ? 1 : 0;
    }
}

static inline int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int check_integer(const unsigned char *s, Py_ssize_t n) {
    Py_ssize_t i = 0;
    int negative = 0;
    if (s[0] == '-') {
        negative = 1;
        i = 1;
    }
    Py_ssize_t first = i;
    while (i < n && is_digit(s[i])) i++;
    Py_ssize_t last = i;
    if (last == first) return E_NOT_INT;
    if (i < n) {
        /* An integral value may be written with a zero fraction (1.0): some releases do. */
        if (s[i] != '.') return E_NOT_INT;
        i++;
        Py_ssize_t zeros = i;
        while (i < n && s[i] == '0') i++;
        if (i == zeros || i < n) return E_NOT_INT;
    }
    while (first < last - 1 && s[first] == '0') first++;
    Py_ssize_t digits = last - first;
    if (digits > 19) return E_INT_RANGE;
    if (digits == 19) {
        const char *limit = negative ? "9223372036854775808" : "9223372036854775807";
        if (memcmp(s + first, limit, 19) > 0) return E_INT_RANGE;
    }
    return E_OK;
}

static int check_decimal(const unsigned char *s, Py_ssize_t n, int precision, int scale) {
    Py_ssize_t i = 0;
    if (s[0] == '-') i = 1;
    Py_ssize_t int_first = i;
    while (i < n && is_digit(s[i])) i++;
    Py_ssize_t int_last = i;
    Py_ssize_t frac_first = i, frac_last = i;
    if (i < n) {
        if (s[i] != '.') return E_NOT_DEC;
        i++;
        frac_first = i;
        while (i < n && is_digit(s[i])) i++;
        frac_last = i;
        if (i < n || frac_last == frac_first) return E_NOT_DEC; /* 1e3, 1., 1.2x */
    }
    if (int_last == int_first && frac_last == frac_first) return E_NOT_DEC; /* "" "-" */
    while (int_first < int_last && s[int_first] == '0') int_first++;
    while (frac_last > frac_first && s[frac_last - 1] == '0') frac_last--;
    if (frac_last - frac_first > scale) return E_DEC_SCALE;
    if (int_last - int_first > precision - scale) return E_DEC_PRECISION;
    return E_OK;
}

static int two(const unsigned char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

static int check_timestamp(const unsigned char *s, Py_ssize_t n) {
    /* YYYY-MM-DD HH:MM:SS, optionally .f to .ffffff */
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    if (n < 19 || n == 20 || n > 26) return E_NOT_TS;
    for (int i = 0; i < 19; i++) {
        if (shape[i] == 'd') {
            if (!is_digit(s[i])) return E_NOT_TS;
        } else if (s[i] != (unsigned char)shape[i]) {
            return E_NOT_TS;
        }
    }
    if (n > 19) {
        if (s[19] != '.') return E_NOT_TS;
        for (Py_ssize_t i = 20; i < n; i++) {
            if (!is_digit(s[i])) return E_NOT_TS;
        }
    }
    int year = two(s) * 100 + two(s + 2);
    int month = two(s + 5), day = two(s + 8);
    int hour = two(s + 11), minute = two(s + 14), second = two(s + 17);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || month < 1 || month > 12 || day < 1) return E_TS_RANGE;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int month_days = days[month - 1] + (month == 2 && leap);
    if (day > month_days || hour > 23 || minute > 59 || second > 59) return E_TS_RANGE;
    return E_OK;
}

/* Valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF) and no control
 * characters but the line breaks a quoted field may hold; counts characters. */
static int check_text(const unsigned char *s, Py_ssize_t n, int quoted, int max_length) {
    Py_ssize_t characters = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                if (!(quoted && (c == '\n' || c == '\r'))) return E_CONTROL;
            }
            if (quoted && c == '"') i++; /* "" inside quotes is one character */
            i++;
        } else {
            int extra;
            uint32_t code;
            if (c >= 0xc2 && c <= 0xdf) {
                extra = 1;
                code = c & 0x1f;
            } else if (c >= 0xe0 && c <= 0xef) {
                extra = 2;
                code = c & 0x0f;
            } else if (c >= 0xf0 && c <= 0xf4) {
                extra = 3;
                code = c & 0x07;
            } else {
                return E_UTF8;
            }
            if (i + extra >= n) return E_UTF8; /* cut short */
            for (int k = 1; k <= extra; k++) {
                unsigned char t = s[i + k];
                if ((t & 0xc0) != 0x80) return E_UTF8;
                code = (code << 6) | (t & 0x3f);
            }
            if ((extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000) ||
                (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
                return E_UTF8;
            }
            i += extra + 1;
        }
        characters++;
    }
    if (max_length > 0 && characters > max_length) return E_TEXT_LONG;
    return E_OK;
}

static int check_value(const unsigned char *s, Py_ssize_t n, const column_spec *column,
                       int quoted) {
    if (n == 0) {
        if (quoted) return E_EMPTY_QUOTED;
        return column->nullable ? E_OK : E_NULL;
    }
    switch (column->kind) {
    case 'i':
        return (quoted && memchr(s, '"', n)) ? E_NOT_INT : check_integer(s, n);
    case 'd':
        return (quoted && memchr(s, '"', n)) ? E_NOT_DEC
                                             : check_decimal(s, n, column->p1, column->p2);
    case 't':
        return check_timestamp(s, n);
    default:
        return check_text(s, n, quoted, column->p1);
    }
}


/*
 * Fast paths: accept-only. Each returns the offset of the byte that ends a plainly valid,
 * unquoted field starting at p (',' or '\n', or '\r' of a CRLF), or -1 when it is not sure:
 * then the general path below decides, so a fast path can never let a bad value through that
 * the general path would refuse. `scan(..., fast=False)` turns them off (for the tests).
 */
static inline int ends_field(const unsigned char *d, Py_ssize_t q, Py_ssize_t n) {
    if (q >= n) return 0;
    unsigned char c = d[q];
    return c == ',' || c == '\n' || (c == '\r' && q + 1 < n && d[q + 1] == '\n');
}

static inline Py_ssize_t fast_integer(const unsigned char *d, Py_ssize_t p, Py_ssize_t n) {
    Py_ssize_t q = p;
    if (q < n && d[q] == '-') q++;
    Py_ssize_t first = q;
    while (q < n && is_digit(d[q])) q++;
    if (q == first || q - first > 18) return -1;
    return ends_field(d, q, n) ? q : -1;
}

static inline Py_ssize_t fast_decimal(const unsigned char *d, Py_ssize_t p, Py_ssize_t n,
                                      int precision, int scale) {
    Py_ssize_t q = p;
    if (q < n && d[q] == '-') q++;
    Py_ssize_t first = q;
    while (q < n && is_digit(d[q])) q++;
    if (q - first > precision - scale) return -1;
    int digits = q > first;
    if (q < n && d[q] == '.') {
        q++;
        Py_ssize_t fraction = q;
        while (q < n && is_digit(d[q])) q++;
        if (q == fraction || q - fraction > scale) return -1;
        digits = 1;
    }
    if (!digits) return -1;
    return ends_field(d, q, n) ? q : -1;
}

static inline Py_ssize_t fast_timestamp(const unsigned char *d, Py_ssize_t p, Py_ssize_t n) {
    if (p + 19 >= n) return -1;
    const unsigned char *s = d + p;
    if (s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':') return -1;
    static const int digit_at[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
    for (int i = 0; i < 14; i++) {
        if (!is_digit(s[digit_at[i]])) return -1;
    }
    int month = two(s + 5), day = two(s + 8);
    /* Days 1 to 28 exist in every month; the general path checks the rest. */
    if (month < 1 || month > 12 || day < 1 || day > 28 || (s[0] == '0' && two(s + 2) == 0 &&
                                                           s[1] == '0')) {
        return -1;
    }
    if (two(s + 11) > 23 || two(s + 14) > 59 || two(s + 17) > 59) return -1;
    return ends_field(d, p + 19, n) ? p + 19 : -1;
}

static inline Py_ssize_t fast_text(const unsigned char *d, Py_ssize_t p, Py_ssize_t n,
                                   int max_length) {
    Py_ssize_t q = p;
    while (q < n && d[q] >= 0x20 && d[q] < 0x7f && d[q] != ',' && d[q] != '"') q++;
    if (q == p || (max_length > 0 && q - p > max_length)) return -1;
    return ends_field(d, q, n) ? q : -1;
}

static inline Py_ssize_t fast_field(const unsigned char *d, Py_ssize_t p, Py_ssize_t n,
                                    const column_spec *column) {
    if (p < n && (d[p] == ',' || d[p] == '\n' || d[p] == '\r')) {
        return column->nullable && ends_field(d, p, n) ? p : -1; /* empty: NULL */
    }
    switch (column->kind) {
    case 'i':
        return fast_integer(d, p, n);
    case 'd':
        return fast_decimal(d, p, n, column->p1, column->p2);
    case 't':
        return fast_timestamp(d, p, n);
    default:
        return fast_text(d, p, n, column->p1);
    }
}

typedef struct {
    Py_ssize_t consumed;
    Py_ssize_t rows;
    Py_ssize_t row, start, end, detail;
    int column, code;
} scan_result;

static void fail(scan_result *out, int column, Py_ssize_t start, Py_ssize_t end, int code,
                 Py_ssize_t detail) {
    out->row = out->rows;
    out->column = column;
    out->start = start;
    out->end = end;
    out->code = code;
    out->detail = detail;
}

static void scan(const unsigned char *data, Py_ssize_t n, const column_spec *columns,
                 int ncolumns, int final, int use_fast, scan_result *out) {
    Py_ssize_t pos = 0;
    out->consumed = 0;
    out->rows = 0;
    out->code = E_OK;
    while (pos < n) {
        Py_ssize_t record = pos;
        /* The first bad value of this record, reported only if the record completes. */
        int code = E_OK, bad_column = -1;
        Py_ssize_t bad_start = 0, bad_end = 0;
        int fields = 0;
        if (data[pos] == '\n' || (data[pos] == '\r' && pos + 1 < n && data[pos + 1] == '\n')) {
            fail(out, -1, record, data[pos] == '\n' ? pos : pos + 1, E_BLANK, 0);
            return;
        }
        for (;;) {
            Py_ssize_t start, end, next;
            int quoted = 0, field_code = E_OK;
            if (use_fast && fields < ncolumns) {
                Py_ssize_t fast_end = fast_field(data, pos, n, &columns[fields]);
                if (fast_end >= 0) {
                    fields++;
                    if (data[fast_end] == ',') {
                        pos = fast_end + 1;
                        continue;
                    }
                    pos = fast_end + (data[fast_end] == '\r' ? 2 : 1);
                    break;
                }
            }
            if (pos < n && data[pos] == '"') {
                quoted = 1;
                Py_ssize_t p = pos + 1, close = -1;
                for (;;) {
                    const unsigned char *q = memchr(data + p, '"', (size_t)(n - p));
                    if (q == NULL) break;
                    Py_ssize_t at = q - data;
                    if (at + 1 < n && data[at + 1] == '"') { /* "" : an escaped quote */
                        p = at + 2;
                        continue;
                    }
                    if (at + 1 >= n && !final) break; /* may be the first half of "" */
                    close = at;
                    break;
                }
                if (close < 0) {
                    if (!final) goto incomplete;
                    fail(out, fields, pos, n, E_UNCLOSED, 0);
                    return;
                }
                start = pos + 1;
                end = close;
                next = close + 1;
                if (next < n && data[next] == '\r' && next + 1 >= n && !final) goto incomplete;
                if (next < n && data[next] != ',' && data[next] != '\n' &&
                    !(data[next] == '\r' && (next + 1 >= n || data[next + 1] == '\n'))) {
                    /* Text after the closing quote: the field runs to the next separator. */
                    field_code = E_QUOTE;
                    while (next < n && data[next] != ',' && data[next] != '\n') next++;
                    if (next >= n && !final) goto incomplete;
                    end = next;
                }
            } else {
                Py_ssize_t p = pos;
                for (;;) {
                    while (p < n && !special[data[p]]) p++;
                    if (p >= n) break;
                    unsigned char c = data[p];
                    if (c == ',' || c == '\n') break;
                    if (c == '\r') {
                        if (p + 1 < n && data[p + 1] == '\n') break; /* CRLF */
                        if (p + 1 >= n) {
                            if (!final) goto incomplete; /* a CRLF cut between chunks? */
                            break;                       /* a CR ends the file */
                        }
                    }
                    if (field_code == E_OK) field_code = c == '"' ? E_QUOTE : E_CONTROL;
                    p++;
                }
                if (p >= n && !final) goto incomplete;
                start = pos;
                end = p;
                next = p;
            }
            if (fields < ncolumns) {
                if (field_code == E_OK) {
                    field_code = check_value(data + start, end - start, &columns[fields], quoted);
                }
                if (field_code != E_OK && code == E_OK) {
                    code = field_code;
                    bad_column = fields;
                    bad_start = start;
                    bad_end = end;
                }
            }
            fields++;
            if (next >= n) { /* the file ends without a newline (only when final) */
                pos = n;
                break;
            }
            if (data[next] == ',') {
                pos = next + 1;
                continue;
            }
            if (data[next] == '\r') next++; /* the CR of a CRLF, or a CR that ends the file */
            pos = next < n ? next + 1 : n; /* past the newline */
            break;
        }
        if (fields != ncolumns) {
            Py_ssize_t end = pos;
            while (end > record && (data[end - 1] == '\n' || data[end - 1] == '\r')) end--;
            fail(out, -1, record, end, E_FIELDS, fields);
            return;
        }
        if (code != E_OK) {
            fail(out, bad_column, bad_start, bad_end, code, 0);
            return;
        }
        out->rows++;
        out->consumed = pos;
        continue;
    incomplete:
        out->consumed = record;
        return;
    }
    out->consumed = pos;
}

static int parse_spec(Py_buffer *spec, column_spec *columns, int *ncolumns) {
    if (spec->len % 6 != 0 || spec->len / 6 < 1 || spec->len / 6 > MAX_COLUMNS) {
        PyErr_SetString(PyExc_ValueError, "spec must hold 6 bytes per column (1 to 256)");
        return -1;
    }
    const unsigned char *s = spec->buf;
    *ncolumns = (int)(spec->len / 6);
    for (int i = 0; i < *ncolumns; i++) {
        const unsigned char *c = s + 6 * i;
        columns[i].kind = (char)c[0];
        columns[i].nullable = c[1] != 0;
        columns[i].p1 = c[2] | (c[3] << 8);
        columns[i].p2 = c[4] | (c[5] << 8);
        if (strchr("idts", columns[i].kind) == NULL || columns[i].kind == 0) {
            PyErr_Format(PyExc_ValueError, "column %d has an unknown kind", i);
            return -1;
        }
        if (columns[i].kind == 'd' &&
            (columns[i].p1 < 1 || columns[i].p2 > columns[i].p1)) {
            PyErr_Format(PyExc_ValueError, "column %d has a bad precision/scale", i);
            return -1;
        }
    }
    return 0;
}

static PyObject *py_scan(PyObject *self, PyObject *args) {
    Py_buffer data, spec;
    int final, use_fast = 1;
    if (!PyArg_ParseTuple(args, "y*y*p|p", &data, &spec, &final, &use_fast)) return NULL;
    column_spec columns[MAX_COLUMNS];
    int ncolumns = 0;
    if (parse_spec(&spec, columns, &ncolumns) < 0) {
        PyBuffer_Release(&data);
        PyBuffer_Release(&spec);
        return NULL;
    }
    scan_result result;
    Py_BEGIN_ALLOW_THREADS
    scan((const unsigned char *)data.buf, data.len, columns, ncolumns, final, use_fast,
         &result);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    PyBuffer_Release(&spec);
    if (result.code == E_OK) {
        return Py_BuildValue("nnO", result.consumed, result.rows, Py_None);
    }
    return Py_BuildValue("nn(ninnin)", result.consumed, result.rows, result.row, result.column,
                         result.start, result.end, result.code, result.detail);
}

static PyMethodDef methods[] = {
    {"scan", py_scan, METH_VARARGS, "scan(data, spec, final, fast=True) -> (consumed, rows, error)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "Trip CSV value checks at C speed.", -1, methods,
};

PyMODINIT_FUNC PyInit__scan(void) {
    init_tables();
    return PyModule_Create(&module);
}
