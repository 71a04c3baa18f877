"""How long users kept posting: time to a silence, Kaplan-Meier curves, log-rank tests, a landmark Cox model."""
