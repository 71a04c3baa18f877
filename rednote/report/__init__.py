"""What people read: the findings, the figures, the PR report and the run comparison."""
