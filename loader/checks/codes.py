"""Error codes of the value scanner (the C module and its Python reference share them)."""

E_OK = 0
E_FIELDS = 1  # wrong number of fields (detail: how many)
E_BLANK = 2  # an empty line
E_QUOTE = 3  # a quote inside an unquoted value, or text after a closing quote
E_UNCLOSED = 4  # a quoted value that never closes
E_CONTROL = 5  # a control character outside quotes (a lone CR, a tab, ...)
E_EMPTY_QUOTED = 6  # "" : NULL to DuckDB, an empty string to BigQuery
E_NULL = 7  # empty in a column declared not null
E_NOT_INT = 10
E_INT_RANGE = 11
E_NOT_DEC = 12
E_DEC_SCALE = 13
E_DEC_PRECISION = 14
E_NOT_TS = 15
E_TS_RANGE = 16
E_UTF8 = 17
E_TEXT_LONG = 18
