"""Shared machinery: params and their schema, file I/O, errors, thread limits, the study window."""
