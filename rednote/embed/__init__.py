"""Text encoders and the vector memo."""
