"""From posts to users: the cohort and its labels, day-by-day sequences, tokens, topics."""
