"""Which TikTok refugees who joined Xiaohongshu (RedNote) in January 2025 were still posting in February?

The package holds the pure logic of the DVC pipeline; the scripts under ``stages/`` only read
parameters, call these functions and write files.
"""
