"""The sample generator (the pipeline never imports it)."""
